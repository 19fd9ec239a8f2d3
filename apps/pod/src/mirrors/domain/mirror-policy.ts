import type { VideoUnmirrorReasonV1 } from '@swarmtube/contracts';
import type { ProblemCode } from '../../http/problem.js';

/**
 * Which other pods' videos this pod mirrors: pure decisions, the time and every fact passed in.
 *
 * - An admin's choice (`POST /api/v1/videos/{uuid}/mirror`) is kept whatever the budget: it is
 *   an explicit decision; its bytes are counted first.
 * - The policy (config `mirrors`) fills what is left of `budgetBytes`, newest first or most
 *   watched on this pod first, skipping a video that does not fit and taking smaller ones after
 *   it; `friendsOnly` keeps to the videos of active members.
 * - Never the pod's own videos, never the videos of an expelled pod (a copy is dropped when its
 *   origin is expelled), never a video an admin stopped mirroring (until an admin mirrors it again).
 * - A copy is dropped when its origin deleted the video, or when the policy no longer wants it
 *   (it left the budget, the policy was turned off).
 */

export type MirrorChoice = 'admin' | 'policy';
export type MirrorOrder = 'newest' | 'most-watched';

export interface MirrorPolicy {
  enabled: boolean;
  budgetBytes: number;
  order: MirrorOrder;
  friendsOnly: boolean;
}

/** A video of the network as the read models know it. */
export interface MirrorCandidate {
  uuid: string;
  /** The origin's actor. */
  origin: string;
  size: number;
  publishedAt: string;
  /** Times the video was opened on this pod. */
  views: number;
  /** False while its origin is expelled. */
  available: boolean;
  /** The origin's status in rm_pods (`active`, `left`, `expelled`, …); null when unknown. */
  originStatus: string | null;
}

/** A copy this pod holds or is fetching. */
export interface HeldMirror {
  uuid: string;
  choice: MirrorChoice;
  /** `mirrored`: its VideoMirrored is in the log; `fetching`: not yet. */
  state: 'fetching' | 'mirrored';
}

export interface MirrorFacts {
  me: string;
  policy: MirrorPolicy;
  /** The videos of the network (deleted ones are absent). */
  videos: readonly MirrorCandidate[];
  held: readonly HeldMirror[];
  /** Videos an admin stopped mirroring: the policy leaves them alone. */
  refused: ReadonlySet<string>;
}

export interface MirrorPlan {
  /** Start fetching these (in this order). */
  fetch: { uuid: string; choice: MirrorChoice }[];
  /** Drop these copies (a `mirrored` one with a VideoUnmirrored of this reason). */
  drop: { uuid: string; state: HeldMirror['state']; reason: VideoUnmirrorReasonV1 }[];
}

/** May this pod mirror the video at all (whoever asks)? */
export function mirrorable(video: MirrorCandidate, me: string): 'own-video' | 'origin-expelled' | null {
  if (video.origin === me) return 'own-video';
  if (!video.available || video.originStatus === 'expelled') return 'origin-expelled';
  return null;
}

function byOrder(order: MirrorOrder): (a: MirrorCandidate, b: MirrorCandidate) => number {
  const newest = (a: MirrorCandidate, b: MirrorCandidate) => (a.publishedAt < b.publishedAt ? 1 : a.publishedAt > b.publishedAt ? -1 : a.uuid < b.uuid ? -1 : 1);
  return order === 'newest' ? newest : (a, b) => b.views - a.views || newest(a, b);
}

/** The uuids the policy wants, within what the admin's choices leave of the budget. */
export function policySelection(facts: MirrorFacts): Set<string> {
  const { policy, videos, held, refused, me } = facts;
  const wanted = new Set<string>();
  if (!policy.enabled) return wanted;
  const byUuid = new Map(videos.map((video) => [video.uuid, video]));
  const adminChosen = new Set(held.filter((h) => h.choice === 'admin').map((h) => h.uuid));
  let left = policy.budgetBytes;
  for (const uuid of adminChosen) left -= byUuid.get(uuid)?.size ?? 0;
  const eligible = videos.filter(
    (video) =>
      mirrorable(video, me) === null && !adminChosen.has(video.uuid) && !refused.has(video.uuid) && (!policy.friendsOnly || video.originStatus === 'active'),
  );
  for (const video of [...eligible].sort(byOrder(policy.order))) {
    if (video.size > left) continue;
    wanted.add(video.uuid);
    left -= video.size;
  }
  return wanted;
}

export function decideMirrors(facts: MirrorFacts): MirrorPlan {
  const byUuid = new Map(facts.videos.map((video) => [video.uuid, video]));
  const wanted = policySelection(facts);
  const plan: MirrorPlan = { fetch: [], drop: [] };
  const heldUuids = new Set<string>();
  for (const held of facts.held) {
    heldUuids.add(held.uuid);
    const video = byUuid.get(held.uuid);
    if (!video) plan.drop.push({ uuid: held.uuid, state: held.state, reason: 'deleted' });
    else if (mirrorable(video, facts.me) === 'origin-expelled') plan.drop.push({ uuid: held.uuid, state: held.state, reason: 'expelled' });
    else if (held.choice === 'policy' && !wanted.has(held.uuid)) plan.drop.push({ uuid: held.uuid, state: held.state, reason: 'policy' });
  }
  for (const video of [...facts.videos].sort(byOrder(facts.policy.order))) {
    if (wanted.has(video.uuid) && !heldUuids.has(video.uuid)) plan.fetch.push({ uuid: video.uuid, choice: 'policy' });
  }
  return plan;
}

export type MirrorCommandDecision =
  | { ok: true; action: 'fetch' | 'pin' | 'drop'; reason?: VideoUnmirrorReasonV1 }
  | { ok: false; code: ProblemCode; message: string };

/** An admin's `POST /api/v1/videos/{uuid}/mirror`. */
export function decideMirror(video: MirrorCandidate | null, held: HeldMirror | null, me: string): MirrorCommandDecision {
  if (!video) return { ok: false, code: 'not-found', message: 'no such video on this pod' };
  const refusal = mirrorable(video, me);
  if (refusal === 'own-video') return { ok: false, code: 'own-video', message: 'this pod is the origin of that video: it already seeds, tracks and serves it' };
  if (refusal === 'origin-expelled') return { ok: false, code: 'origin-expelled', message: "the video's origin is expelled: its videos are not mirrored" };
  if (held?.choice === 'admin') return { ok: false, code: 'already-mirrored', message: `this pod already mirrors that video (${held.state})` };
  // Mirrored by policy: from now on an admin's choice, kept whatever the budget.
  if (held) return { ok: true, action: 'pin' };
  return { ok: true, action: 'fetch' };
}

/** An admin's `DELETE /api/v1/videos/{uuid}/mirror`. */
export function decideUnmirror(video: MirrorCandidate | null, held: HeldMirror | null): MirrorCommandDecision {
  if (!held) return video ? { ok: false, code: 'not-mirrored', message: 'this pod does not mirror that video' } : { ok: false, code: 'not-found', message: 'no such video on this pod' };
  return { ok: true, action: 'drop', reason: 'admin' };
}

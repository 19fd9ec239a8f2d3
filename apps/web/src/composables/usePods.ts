import { onScopeDispose, ref, shallowRef } from 'vue';
import { ApiError, errorMessage, isAbort } from '@/api/http';
import * as api from '@/api/pods.api';
import type { MakeFriendsReport, PodView } from '@/api/types';

export interface ExpulsionTally {
  votes: number;
  /** Votes needed, when the pod says. */
  quorum: number | null;
  /** Whether this pod voted, when the pod says. */
  mine: boolean | null;
}

function count(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (Array.isArray(value)) return value.length;
  return null;
}

/**
 * The expulsion tally of a pod, when `GET /api/v1/pods` gives one (`expulsionVotes` or
 * `votes`: a number, a list of voters, or `{count|votes, quorum|needed, mine|voted}`).
 * null when it does not: the site then shows no tally rather than a guess.
 */
export function readTally(pod: PodView): ExpulsionTally | null {
  const raw = pod.expulsionVotes ?? pod.votes;
  if (raw === undefined || raw === null) return null;
  const direct = count(raw);
  if (direct !== null) return { votes: direct, quorum: null, mine: null };
  if (typeof raw !== 'object') return null;
  const record = raw as Record<string, unknown>;
  const votes = count(record.count ?? record.votes ?? record.voters ?? record.cast);
  if (votes === null) return null;
  const quorum = count(record.quorum ?? record.needed ?? record.required);
  const mine = typeof record.mine === 'boolean' ? record.mine : typeof record.voted === 'boolean' ? record.voted : null;
  return { votes, quorum, mine };
}

/**
 * A ballot as `GET /api/v1/pods/{host}/votes` (and every vote's answer, as `ballot`) gives
 * it: `{motion, needed, votes: [{voter, counted}]}`. Only an expulsion motion is read here.
 */
export function readBallot(raw: unknown, myActor: string | null): ExpulsionTally | null {
  if (raw === null || typeof raw !== 'object') return null;
  const ballot = raw as { motion?: unknown; needed?: unknown; votes?: unknown };
  if (ballot.motion !== undefined && ballot.motion !== 'expulsion') return null;
  if (!Array.isArray(ballot.votes)) return null;
  const votes = ballot.votes.filter((v: { counted?: unknown }) => v?.counted !== false);
  return {
    votes: votes.length,
    quorum: typeof ballot.needed === 'number' ? ballot.needed : null,
    mine: myActor === null ? null : votes.some((v: { voter?: unknown }) => v?.voter === myActor),
  };
}

/** A 404 for a route itself: Express's "Cannot GET …" (not a 404 about a pod). */
function routeMissing(reason: unknown): reason is ApiError {
  return reason instanceof ApiError && (reason.status === 405 || (reason.status === 404 && /^Cannot (GET|POST|DELETE) /.test(reason.message)));
}

export type VoteSupport = 'unknown' | 'available' | 'missing';

/**
 * The network as this pod sees it, and the admin's actions on it. `myActor` (this pod's
 * actor URL) tells which votes are this pod's.
 */
export function usePods(myActor: () => string | null = () => null) {
  const pods = shallowRef<PodView[]>([]);
  /** Per host: the expulsion tally, from the pods list or the pod's ballot; null when neither says. */
  const tallies = shallowRef<ReadonlyMap<string, ExpulsionTally | null>>(new Map());
  let ballots: 'unknown' | 'available' | 'missing' = 'unknown';
  const loading = ref(false);
  const error = ref<string | null>(null);
  const voteSupport = ref<VoteSupport>('unknown');
  /** Hosts this admin voted against in this session, until withdrawn. */
  const voted = ref<Set<string>>(new Set());
  let controller: AbortController | null = null;

  async function reload(): Promise<void> {
    controller?.abort();
    const mine = (controller = new AbortController());
    loading.value = true;
    try {
      const list = await api.listPods(mine.signal);
      pods.value = [...list].sort((a, b) => a.host.localeCompare(b.host));
      error.value = null;
      tallies.value = await readTallies(pods.value, mine.signal);
    } catch (reason) {
      if (!isAbort(reason)) error.value = errorMessage(reason);
    } finally {
      if (controller === mine) loading.value = false;
    }
  }

  async function readTallies(list: readonly PodView[], signal: AbortSignal): Promise<Map<string, ExpulsionTally | null>> {
    const result = new Map<string, ExpulsionTally | null>(list.map((pod) => [pod.host, readTally(pod)]));
    const open = list.filter((pod) => pod.status === 'active' && result.get(pod.host) === null);
    if (ballots === 'missing' || open.length === 0) return result;
    // One request first: a pod without ballots answers 404 for the route, and is asked no more.
    const ask = async (pod: PodView) => {
      try {
        result.set(pod.host, readBallot(await api.fetchBallot(pod.host, signal), myActor()));
        ballots = 'available';
      } catch (reason) {
        if (routeMissing(reason)) ballots = 'missing';
      }
    };
    await ask(open[0]);
    if (ballots === 'available') await Promise.all(open.slice(1).map(ask));
    return result;
  }

  async function makeFriends(hosts?: string[]): Promise<MakeFriendsReport> {
    const report = await api.makeFriends(hosts);
    await reload();
    return report;
  }

  async function quitFriends(): Promise<{ left: string[] }> {
    const report = await api.quitFriends();
    await reload();
    return report;
  }

  /**
   * A 404 for the route itself (Express's "Cannot POST …") or a 405 means this pod has no
   * expulsion votes yet: remembered, and said plainly. Another 404 (an unknown pod) is shown as is.
   */
  function noteSupport(reason: unknown): never {
    if (routeMissing(reason)) {
      voteSupport.value = 'missing';
      throw new ApiError(reason.status, 'votes-unavailable', 'This pod does not take expulsion votes yet (its API answered 404).');
    }
    throw reason;
  }

  async function castVote(host: string, reason: string): Promise<void> {
    try {
      await api.castExpulsionVote(host, reason);
    } catch (failure) {
      noteSupport(failure);
    }
    voteSupport.value = 'available';
    voted.value = new Set([...voted.value, host]);
    await reload();
  }

  async function withdrawVote(host: string): Promise<void> {
    try {
      await api.withdrawExpulsionVote(host);
    } catch (failure) {
      noteSupport(failure);
    }
    voteSupport.value = 'available';
    const next = new Set(voted.value);
    next.delete(host);
    voted.value = next;
    await reload();
  }

  onScopeDispose(() => controller?.abort());
  return { pods, tallies, loading, error, voteSupport, voted, reload, makeFriends, quitFriends, castVote, withdrawVote };
}

/**
 * A friendship between this pod and another (docs/protocol.md, "Membership"; events/CATALOG.md):
 * what an answer to a request, a withdrawal or a drop appends, or why it is refused. Pure: the
 * friendship as the read model holds it and whether the peer is expelled are passed in.
 *
 * - A request waiting for this pod's answer (`requested`, asked by the peer) may be accepted
 *   (FriendshipAccepted) or rejected (FriendshipEnded, reason `declined`), unless the network
 *   expelled the peer: an expelled pod is never befriended until readmitted.
 * - A friend (`accepted`), or this pod's own request still waiting, may be dropped
 *   (FriendshipEnded, reason `removed`).
 */

export interface Friendship {
  status: string;
  requester: string;
}

export interface FriendshipContext {
  /** This pod's actor. */
  me: string;
  /** The other pod's actor. */
  peer: string;
  /** As rm_friendships holds it; null when the two never asked each other. */
  friendship: Friendship | null;
  peerExpelled: boolean;
}

export type FriendshipCommand = { type: 'AnswerRequest'; answer: 'accept' | 'reject' } | { type: 'RemoveFriend' };

export type FriendshipDraft =
  | { type: 'FriendshipAccepted'; data: { requester: string; accepter: string } }
  | { type: 'FriendshipEnded'; data: { peer: string; reason: 'declined' | 'removed' } };

export type FriendshipRefusal = 'no-friendship-request' | 'already-expelled' | 'not-friends';

export type FriendshipDecision = { ok: true; event: FriendshipDraft } | { ok: false; code: FriendshipRefusal };

/** A request from the peer waits for this pod's answer. */
export function isPendingRequest(context: Pick<FriendshipContext, 'peer' | 'friendship'>): boolean {
  return context.friendship?.status === 'requested' && context.friendship.requester === context.peer;
}

export function decideFriendship(command: FriendshipCommand, context: FriendshipContext): FriendshipDecision {
  const { me, peer, friendship } = context;
  if (command.type === 'AnswerRequest') {
    if (context.peerExpelled) return { ok: false, code: 'already-expelled' };
    if (!isPendingRequest(context)) return { ok: false, code: 'no-friendship-request' };
    return command.answer === 'accept'
      ? { ok: true, event: { type: 'FriendshipAccepted', data: { requester: peer, accepter: me } } }
      : { ok: true, event: { type: 'FriendshipEnded', data: { peer, reason: 'declined' } } };
  }
  const mine = friendship?.status === 'requested' && friendship.requester === me;
  if (friendship?.status !== 'accepted' && !mine) return { ok: false, code: 'not-friends' };
  return { ok: true, event: { type: 'FriendshipEnded', data: { peer, reason: 'removed' } } };
}

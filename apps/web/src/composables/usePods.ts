import { onScopeDispose, ref, shallowRef } from 'vue';
import { errorMessage, isAbort } from '@/api/http';
import * as api from '@/api/pods.api';
import type { BallotView, MakeFriendsReport, Motion, PodView, QuitFriendsReport } from '@/api/types';

/** A pod's open motion as the table shows it. */
export interface Tally {
  motion: Motion;
  /** Counted votes (cast by members of the electorate). */
  votes: number;
  needed: number;
  /** Whether this pod is among the voters. */
  mine: boolean;
}

/** The verb of a motion, for buttons and messages. */
export const MOTION_VERB: Readonly<Record<Motion, string>> = { expulsion: 'expel', readmission: 'readmit' };

export function tallyOf(ballot: BallotView, myActor: string | null): Tally {
  const counted = ballot.votes.filter((vote) => vote.counted);
  return { motion: ballot.motion, votes: counted.length, needed: ballot.needed, mine: myActor !== null && ballot.votes.some((vote) => vote.voter === myActor) };
}

/** Pods a vote can be about: members (expulsion) and expelled pods (readmission). */
const VOTABLE = new Set(['active', 'expelled']);

/**
 * The network as this pod sees it, and the admin's actions on it. `myActor` (this pod's
 * actor URL) tells which votes are this pod's.
 */
export function usePods(myActor: () => string | null = () => null) {
  const pods = shallowRef<PodView[]>([]);
  /** Per host, for the pods a vote can be about: the open motion and its votes. */
  const tallies = shallowRef<ReadonlyMap<string, Tally>>(new Map());
  const loading = ref(false);
  const error = ref<string | null>(null);
  let controller: AbortController | null = null;

  async function reload(): Promise<void> {
    controller?.abort();
    const mine = (controller = new AbortController());
    loading.value = true;
    try {
      const list = await api.listPods(mine.signal);
      const votable = list.filter((pod) => VOTABLE.has(pod.status));
      const ballots = await Promise.all(votable.map((pod) => api.fetchBallot(pod.host, mine.signal)));
      pods.value = [...list].sort((a, b) => a.host.localeCompare(b.host));
      tallies.value = new Map(ballots.map((ballot) => [ballot.host, tallyOf(ballot, myActor())]));
      error.value = null;
    } catch (reason) {
      if (!isAbort(reason)) error.value = errorMessage(reason);
    } finally {
      if (controller === mine) loading.value = false;
    }
  }

  async function makeFriends(hosts?: string[]): Promise<MakeFriendsReport> {
    const report = await api.makeFriends(hosts);
    await reload();
    return report;
  }

  async function quitFriends(): Promise<QuitFriendsReport> {
    const report = await api.quitFriends();
    await reload();
    return report;
  }

  /** Casts (or withdraws) this pod's vote on the pod's open motion; the answer may complete the quorum. */
  async function vote(host: string, motion: Motion, action: 'cast' | 'withdraw', reason = ''): Promise<void> {
    if (action === 'cast') await api.castVote(host, motion, reason);
    else await api.withdrawVote(host, motion);
    await reload();
  }

  /** Accepts or rejects a pod's friendship request, or drops a friend. */
  async function befriend(host: string, action: api.FriendshipAction): Promise<void> {
    await api.changeFriendship(host, action);
    await reload();
  }

  onScopeDispose(() => controller?.abort());
  return { pods, tallies, loading, error, reload, makeFriends, quitFriends, vote, befriend };
}

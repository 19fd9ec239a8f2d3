import { getJson, request } from './http';
import type { BallotView, MakeFriendsReport, Motion, PodView, QuitFriendsReport, VoteAnswer } from './types';

export function listPods(signal?: AbortSignal): Promise<PodView[]> {
  return getJson<PodView[]>('/api/v1/pods', {}, signal);
}

export function makeFriends(hosts?: string[]): Promise<MakeFriendsReport> {
  return request<MakeFriendsReport>('POST', '/api/v1/pods/make-friends', hosts && hosts.length > 0 ? { json: { hosts } } : {});
}

export function quitFriends(): Promise<QuitFriendsReport> {
  return request<QuitFriendsReport>('POST', '/api/v1/pods/quit-friends');
}

const votesPath = (host: string, motion: Motion) => `/api/v1/pods/${encodeURIComponent(host)}/${motion}-votes`;

/** `POST /api/v1/pods/{host}/expulsion-votes` (or readmission-votes): this pod's admin votes. */
export function castVote(host: string, motion: Motion, reason: string): Promise<VoteAnswer> {
  return request<VoteAnswer>('POST', votesPath(host, motion), { json: { reason } });
}

export function withdrawVote(host: string, motion: Motion): Promise<VoteAnswer> {
  return request<VoteAnswer>('DELETE', votesPath(host, motion));
}

/** `GET /api/v1/pods/{host}/votes`: the open motion on a pod (expulsion or readmission) and its votes. */
export function fetchBallot(host: string, signal?: AbortSignal): Promise<BallotView> {
  return getJson<BallotView>(`/api/v1/pods/${encodeURIComponent(host)}/votes`, {}, signal);
}

/** An admin's answer to a pod's friendship request (`accept`, `reject`), or dropping a friend (`drop`). */
export type FriendshipAction = 'accept' | 'reject' | 'drop';

export function changeFriendship(host: string, action: FriendshipAction): Promise<PodView> {
  const path = `/api/v1/pods/${encodeURIComponent(host)}`;
  return action === 'drop' ? request<PodView>('DELETE', `${path}/friendship`) : request<PodView>('POST', `${path}/${action}`);
}

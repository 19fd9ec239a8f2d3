import { getJson, request } from './http';
import type { MakeFriendsReport, PodView } from './types';

export function listPods(signal?: AbortSignal): Promise<PodView[]> {
  return getJson<PodView[]>('/api/v1/pods', {}, signal);
}

export function makeFriends(hosts?: string[]): Promise<MakeFriendsReport> {
  return request<MakeFriendsReport>('POST', '/api/v1/pods/make-friends', hosts && hosts.length > 0 ? { json: { hosts } } : {});
}

export function quitFriends(): Promise<{ left: string[] }> {
  return request<{ left: string[] }>('POST', '/api/v1/pods/quit-friends');
}

export function castExpulsionVote(host: string, reason: string): Promise<unknown> {
  return request<unknown>('POST', `/api/v1/pods/${encodeURIComponent(host)}/expulsion-votes`, { json: { reason } });
}

export function withdrawExpulsionVote(host: string): Promise<unknown> {
  return request<unknown>('DELETE', `/api/v1/pods/${encodeURIComponent(host)}/expulsion-votes`);
}

/** `GET /api/v1/pods/{host}/votes`: the open motion on a pod (expulsion or readmission) and its votes. */
export function fetchBallot(host: string, signal?: AbortSignal): Promise<unknown> {
  return getJson<unknown>(`/api/v1/pods/${encodeURIComponent(host)}/votes`, {}, signal);
}

/**
 * Which stream each event belongs to. EventDraft carries no stream, so the log derives it
 * from the data with streamFor(); the validator refuses an envelope whose stream differs,
 * so that a relayed event cannot land in another video's or pod's history.
 */

import { hostOfActor } from '../pod-urls.js';

export { hostOfActor };

export function podStream(host: string): string {
  return `pod:${host}`;
}

export function videoStream(uuid: string): string {
  return `video:${uuid}`;
}

/** The mirrors of one video: every pod that mirrors it writes its VideoMirrored and VideoUnmirrored here. */
export function mirrorStream(uuid: string): string {
  return `mirror:${uuid}`;
}

/**
 * One stream per pair of pods, the same whichever side writes: the request, the acceptance
 * and the end of one friendship form one history that both pods and any auditor can replay.
 */
export function friendshipStream(hostA: string, hostB: string): string {
  const [first, second] = hostA < hostB ? [hostA, hostB] : [hostB, hostA];
  return `friendship:${first}+${second}`;
}

export interface StreamInput {
  type: string;
  schemaVersion: number;
  /** Data already valid for type and schemaVersion. */
  data: unknown;
  /** The origin's actor URL. */
  origin: string;
}

function field(data: unknown, name: string): string | null {
  if (data === null || typeof data !== 'object' || !Object.hasOwn(data, name)) return null;
  const value = (data as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : null;
}

function pair(a: string | null, b: string | null): string | null {
  const hostA = a === null ? null : hostOfActor(a);
  const hostB = b === null ? null : hostOfActor(b);
  return hostA === null || hostB === null ? null : friendshipStream(hostA, hostB);
}

/** The stream of an event of the catalogue, or null for an unknown type or version. */
export function streamFor({ type, schemaVersion, data, origin }: StreamInput): string | null {
  if (schemaVersion !== 1) return null;
  switch (type) {
    case 'PodJoined': {
      const host = field(data, 'host');
      return host === null ? null : podStream(host);
    }
    case 'FriendshipRequested':
      return pair(field(data, 'requester'), field(data, 'target'));
    case 'FriendshipAccepted':
      return pair(field(data, 'requester'), field(data, 'accepter'));
    case 'FriendshipEnded':
      return pair(origin, field(data, 'peer'));
    case 'VideoPublished':
    case 'VideoUpdated':
    case 'VideoDeleted': {
      const uuid = field(data, 'uuid');
      return uuid === null ? null : videoStream(uuid);
    }
    case 'VideoMirrored':
    case 'VideoUnmirrored': {
      const uuid = field(data, 'uuid');
      return uuid === null ? null : mirrorStream(uuid);
    }
    case 'ExpulsionVoteCast':
    case 'ExpulsionVoteWithdrawn':
    case 'PodExpelled':
    case 'ReadmissionVoteCast':
    case 'ReadmissionVoteWithdrawn':
    case 'PodReadmitted': {
      const target = field(data, 'target');
      const host = target === null ? null : hostOfActor(target);
      return host === null ? null : podStream(host);
    }
    default:
      return null;
  }
}

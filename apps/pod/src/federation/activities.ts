import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@swarmtube/event-envelope';
import { ProblemError } from '../http/problem.js';
import { PodUrls } from '@swarmtube/contracts';
import { fittingCount, utf8Bytes } from './batches.js';
import { AS_PUBLIC, deletedVideoId, videoPageUrl, PEERTUBE_VIDEO_TERMS, publishedVideoObject, SWARMTUBE_VIDEO_TERMS, updatedVideoObject } from './video-object.js';

/**
 * The activity mapping (docs/protocol.md): each signed event travels inside the ActivityPub
 * activity a plain reader would expect (a VideoPublished is a Create of a Video, a
 * FriendshipRequested a Follow…), in the activity's `events` property. A pod reads the
 * events and ignores the rest; a plain ActivityPub reader sees a sensible activity.
 */

// PeerTube's terms in an object of their own, as PeerTube writes them: a reader that knows
// PeerTube's vocabulary recognises it whole.
export const SWARMTUBE_CONTEXT = [
  'https://www.w3.org/ns/activitystreams',
  { st: 'https://swarmtube.invalid/ns#', events: { '@id': 'st:events', '@type': '@json' }, ...SWARMTUBE_VIDEO_TERMS },
  PEERTUBE_VIDEO_TERMS,
];

/** At most this many activities in one delivered Collection (PeerTube refuses larger ones too). */
export const MAX_ACTIVITIES_PER_REQUEST = 100;
/** And at most this many events in all. */
export const MAX_EVENTS_PER_REQUEST = 500;

const FORBIDDEN_JSON_LD = ['@graph', '@reverse', '@included'];

type Json = Record<string, unknown>;

/** The activity that carries one event. Its id is derived from the event's, so it is stable. */
export function activityFor(event: EventEnvelope): Json {
  const d = event.data as Record<string, any>;
  const base = {
    id: PodUrls.ofActor(event.origin).activity(event.id.replace(/^urn:uuid:/, '')),
    actor: event.origin,
    published: event.occurredAt,
  };
  const follow = (actor: string, object: string) => ({ type: 'Follow', actor, object });
  let shape: Json;
  switch (event.type) {
    case 'VideoPublished':
      shape = { type: 'Create', object: publishedVideoObject(event) };
      break;
    case 'VideoUpdated':
      shape = { type: 'Update', object: updatedVideoObject(event) };
      break;
    case 'VideoDeleted':
      shape = { type: 'Delete', object: deletedVideoId(event) };
      break;
    // A mirror re-shares the video (PeerTube's redundancy is a CacheFile, a term of its own).
    case 'VideoMirrored':
      shape = { type: 'Announce', object: videoPageUrl(d.videoOrigin, d.uuid) };
      break;
    case 'VideoUnmirrored':
      shape = { type: 'Undo', object: { type: 'Announce', actor: event.origin, object: `urn:uuid:${d.uuid}` } };
      break;
    case 'PodJoined':
      shape = { type: 'Create', object: { type: 'Application', id: d.actor, name: d.name } };
      break;
    case 'FriendshipRequested':
      shape = { type: 'Follow', object: d.target };
      break;
    case 'FriendshipAccepted':
      shape = { type: 'Accept', object: follow(d.requester, d.accepter) };
      break;
    case 'FriendshipEnded':
      shape = { type: 'Undo', object: follow(event.origin, d.peer) };
      break;
    case 'ExpulsionVoteCast':
    case 'ReadmissionVoteCast':
      shape = { type: 'Flag', object: d.target, content: d.reason };
      break;
    case 'ExpulsionVoteWithdrawn':
    case 'ReadmissionVoteWithdrawn':
      shape = { type: 'Undo', object: { type: 'Flag', actor: event.origin, object: d.target } };
      break;
    case 'PodExpelled':
      shape = { type: 'Block', object: d.target };
      break;
    case 'PodReadmitted':
      shape = { type: 'Undo', object: { type: 'Block', actor: event.origin, object: d.target } };
      break;
    default:
      shape = { type: 'Announce', object: event.stream };
  }
  return { '@context': SWARMTUBE_CONTEXT, ...base, ...shape, to: [AS_PUBLIC], events: [event] };
}

/**
 * Several events in one request: a Collection of their activities, in log order. Each
 * Collection has an id of its own: the HTTP signature covers the Date (whole seconds) and the
 * body's digest, so the same events sent twice in one second (a Follow posted by
 * make-friends, then pushed by delivery) would otherwise be the very same signed request,
 * which the inbox refuses as a replay.
 */
export function deliveryBody(events: readonly EventEnvelope[]): Json {
  return JSON.parse(deliveryBatch(events.map(deliveryItem), Infinity).body) as Json;
}

/** One event's activity as an item of a delivered Collection (no @context of its own), encoded. */
export function deliveryItem(event: EventEnvelope): string {
  const { '@context': _context, ...activity } = activityFor(event);
  return JSON.stringify(activity);
}

export interface DeliveryBatch {
  /** The Collection's JSON text, as sent. */
  body: string;
  /** How many of the items it carries: the first ones. */
  count: number;
  /** Its size in bytes. */
  bytes: number;
}

/**
 * The Collection of the longest run of `items` (encoded by deliveryItem, in log order) that
 * weighs at most `maxBytes`: at least the first item, whatever it weighs (an event's activity is
 * bounded so that one always fits an inbox; federation-limits.ts).
 */
export function deliveryBatch(items: readonly string[], maxBytes: number): DeliveryBatch {
  const head = (count: number) =>
    `{"@context":${JSON.stringify(SWARMTUBE_CONTEXT)},"id":"urn:uuid:${randomUUID()}","type":"Collection","totalItems":${count},"items":[`;
  const tail = ']}';
  // totalItems is written once the count is known; its widest form frames the cut.
  const frame = utf8Bytes(head(items.length)) + tail.length;
  const sizes = items.map(utf8Bytes);
  const count = fittingCount(sizes, maxBytes, frame);
  const body = `${head(count)}${items.slice(0, count).join(',')}${tail}`;
  return { body, count, bytes: utf8Bytes(body) };
}

export interface ReceivedActivity {
  type: string;
  actor: string;
  events: unknown[];
}

/** Far deeper than anything a pod sends (a Video object inside an activity inside a Collection: about 6). */
const MAX_BODY_DEPTH = 32;

/**
 * Why a part of the body must be refused, or null: a JSON-LD keyword that would smuggle
 * statements past the reader, at any depth, or nesting deeper than a walk should go. `skip`
 * names keys of this node that are checked elsewhere: an activity's `events` (each event is
 * checked against its schemas, which refuse any unknown key, and rejected on its own) and a
 * Collection's items (each checked as an activity). An `events` key anywhere else is walked.
 */
function findForbiddenKeyword(value: unknown, depth: number, skip: readonly string[] = []): string | null {
  if (value === null || typeof value !== 'object') return null;
  if (depth > MAX_BODY_DEPTH) return `the body is nested more than ${MAX_BODY_DEPTH} levels deep`;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findForbiddenKeyword(item, depth + 1);
      if (found) return found;
    }
    return null;
  }
  for (const [key, child] of Object.entries(value)) {
    if (FORBIDDEN_JSON_LD.includes(key)) return `JSON-LD ${key} is not accepted`;
    if (skip.includes(key)) continue;
    const found = findForbiddenKeyword(child, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * Reads what a peer POSTed to the inbox: one activity or a Collection of them. Refuses JSON-LD
 * smuggling (@graph, @reverse, @included), oversized batches and activities whose actor is not
 * the pod that signed the request (no forwarding between pods).
 */
export function readInboxBody(body: unknown, signer: string): ReceivedActivity[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ProblemError('invalid-body', 'the body must be an activity or a Collection of activities');
  const root = body as Json;
  const isCollection = root.type === 'Collection' || root.type === 'OrderedCollection';
  const items = isCollection ? (root.items ?? root.orderedItems) : [root];
  if (!Array.isArray(items)) throw new ProblemError('invalid-body', 'a Collection needs items');
  const forbidden =
    findForbiddenKeyword(root, 0, isCollection ? [root.items !== undefined ? 'items' : 'orderedItems'] : ['events']) ??
    (isCollection ? items.reduce<string | null>((found, item) => found ?? findForbiddenKeyword(item, 2, ['events']), null) : null);
  if (forbidden) throw new ProblemError('invalid-body', forbidden);
  if (items.length > MAX_ACTIVITIES_PER_REQUEST) {
    throw new ProblemError('too-many-activities', `at most ${MAX_ACTIVITIES_PER_REQUEST} activities per request, got ${items.length}`);
  }
  let eventCount = 0;
  return items.map((item, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new ProblemError('invalid-body', `item ${index} is not an activity`);
    const activity = item as Json;
    const actor = typeof activity.actor === 'string' ? activity.actor : (activity.actor as Json | undefined)?.id;
    if (typeof activity.type !== 'string' || typeof actor !== 'string') throw new ProblemError('invalid-body', `item ${index} has no type or actor`);
    if (actor !== signer) throw new ProblemError('forbidden', `activity ${index} is by ${actor.slice(0, 200)}, but the request is signed by ${signer}`);
    const events = activity.events === undefined ? [] : activity.events;
    if (!Array.isArray(events)) throw new ProblemError('invalid-body', `item ${index}: events must be an array`);
    eventCount += events.length;
    if (eventCount > MAX_EVENTS_PER_REQUEST) throw new ProblemError('too-many-activities', `at most ${MAX_EVENTS_PER_REQUEST} events per request`);
    return { type: activity.type, actor, events };
  });
}

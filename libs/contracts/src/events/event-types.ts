import type { EventDraft, EventEnvelope } from '../../../event-envelope/src/browser.js';

/**
 * The data of every event type and version, written by hand to match events/<Type>/v<N>.schema.json
 * (a unit test keeps the two in step). A published version never changes: a new shape is a new
 * interface (`…V2`) beside the old one, and an upcaster turns stored v1 data into v2.
 *
 * Strings documented as "actor URL" are `http(s)://<host>/federation/actor`; hosts are `host[:port]`.
 */

export interface PodKeysV1 {
  /** Event-signing key as a Multikey (FEP-521a): `z6Mk…`. */
  ed25519Multibase: string;
  /** HTTP Signatures key, RSA SPKI PEM. */
  rsaPublicKeyPem: string;
}

/** Genesis event of every origin: originSeq 1, stream `pod:<host>`, actor === envelope origin. */
export interface PodJoinedDataV1 {
  host: string;
  actor: string;
  name: string;
  keys: PodKeysV1;
}

/** Emitted by the requester (requester === origin). Stream `friendship:<host>+<host>`. */
export interface FriendshipRequestedDataV1 {
  requester: string;
  target: string;
}

/** Emitted by the accepter (accepter === origin). Stream `friendship:<host>+<host>`. */
export interface FriendshipAcceptedDataV1 {
  requester: string;
  accepter: string;
}

/**
 * quit: the origin left the network (one event per friend); removed: the origin's admin ended
 * this one friendship; declined: the origin refused a pending request from peer.
 */
export const FRIENDSHIP_END_REASONS_V1 = ['quit', 'removed', 'declined'] as const;
export type FriendshipEndReasonV1 = (typeof FRIENDSHIP_END_REASONS_V1)[number];

/** Emitted by the pod that ends the friendship with `peer`. Stream `friendship:<host>+<host>`. */
export interface FriendshipEndedDataV1 {
  peer: string;
  reason: FriendshipEndReasonV1;
}

export interface VideoAccountV1 {
  username: string;
  displayName?: string;
}

/** Stream `video:<uuid>`; emitted by the pod that received the upload, once processing succeeded. */
export interface VideoPublishedDataV1 {
  uuid: string;
  /** 3 to 120 characters. */
  name: string;
  /** At most 10,000 characters; may be empty. */
  description: string;
  /** At most 5 distinct tags of 2 to 30 characters. */
  tags: string[];
  /** Whole seconds. */
  duration: number;
  /** Bytes. */
  size: number;
  mimeType: string;
  /** BitTorrent v1 info-hash, 40 lower-case hex digits. */
  infoHash: string;
  magnetUri: string;
  torrentUrl: string;
  webSeedUrls: string[];
  thumbnailUrl: string;
  publishedAt: string;
  account: VideoAccountV1;
}

/** Only the fields present change; at least one is present. `tags` replaces the whole list. */
export interface VideoUpdatedDataV1 {
  uuid: string;
  name?: string;
  description?: string;
  tags?: string[];
}

export interface VideoDeletedDataV1 {
  uuid: string;
}

/**
 * Stream `mirror:<uuid>`; emitted by a pod that holds a whole copy of another pod's video (its
 * `videoOrigin`, never the event's origin), checked against `infoHash`, and seeds, tracks and
 * serves it as a web seed.
 */
export interface VideoMirroredDataV1 {
  uuid: string;
  videoOrigin: string;
  infoHash: string;
  torrentUrl: string;
  /** At most 5 ws(s)/http(s)/udp announce URLs, WebSocket first. */
  trackers: string[];
  /** At most 5. */
  webSeedUrls: string[];
}

export const VIDEO_UNMIRROR_REASONS_V1 = ['admin', 'policy', 'deleted', 'expelled'] as const;
export type VideoUnmirrorReasonV1 = (typeof VIDEO_UNMIRROR_REASONS_V1)[number];

/** Stream `mirror:<uuid>`; the mirroring pod dropped its copy. */
export interface VideoUnmirroredDataV1 {
  uuid: string;
  reason: VideoUnmirrorReasonV1;
}

/** Stream `pod:<target host>`; target is never the origin. */
export interface VoteCastDataV1 {
  target: string;
  /** At most 1,000 characters; may be empty. */
  reason: string;
}

export interface VoteWithdrawnDataV1 {
  target: string;
}

/** Each pod records the outcome itself once it counts a quorum; `votes` are the vote event ids it counted. */
export interface VoteOutcomeDataV1 {
  target: string;
  votes: string[];
}

export type ExpulsionVoteCastDataV1 = VoteCastDataV1;
export type ExpulsionVoteWithdrawnDataV1 = VoteWithdrawnDataV1;
export type PodExpelledDataV1 = VoteOutcomeDataV1;
export type ReadmissionVoteCastDataV1 = VoteCastDataV1;
export type ReadmissionVoteWithdrawnDataV1 = VoteWithdrawnDataV1;
export type PodReadmittedDataV1 = VoteOutcomeDataV1;

/** Every event type and version of the catalogue, with its data. */
export interface EventDataByVersion {
  PodJoined: { 1: PodJoinedDataV1 };
  FriendshipRequested: { 1: FriendshipRequestedDataV1 };
  FriendshipAccepted: { 1: FriendshipAcceptedDataV1 };
  FriendshipEnded: { 1: FriendshipEndedDataV1 };
  VideoPublished: { 1: VideoPublishedDataV1 };
  VideoUpdated: { 1: VideoUpdatedDataV1 };
  VideoDeleted: { 1: VideoDeletedDataV1 };
  VideoMirrored: { 1: VideoMirroredDataV1 };
  VideoUnmirrored: { 1: VideoUnmirroredDataV1 };
  ExpulsionVoteCast: { 1: ExpulsionVoteCastDataV1 };
  ExpulsionVoteWithdrawn: { 1: ExpulsionVoteWithdrawnDataV1 };
  PodExpelled: { 1: PodExpelledDataV1 };
  ReadmissionVoteCast: { 1: ReadmissionVoteCastDataV1 };
  ReadmissionVoteWithdrawn: { 1: ReadmissionVoteWithdrawnDataV1 };
  PodReadmitted: { 1: PodReadmittedDataV1 };
}

export type EventType = keyof EventDataByVersion;



/**
 * The versions of each type, as a value (the interface above is types only): isCatalogEvent
 * narrows with it. A unit spec holds it to the schema files of events/.
 */
export const CATALOG_VERSIONS: { readonly [T in EventType]: readonly (keyof EventDataByVersion[T])[] } = {
  PodJoined: [1],
  FriendshipRequested: [1],
  FriendshipAccepted: [1],
  FriendshipEnded: [1],
  VideoPublished: [1],
  VideoUpdated: [1],
  VideoDeleted: [1],
  VideoMirrored: [1],
  VideoUnmirrored: [1],
  ExpulsionVoteCast: [1],
  ExpulsionVoteWithdrawn: [1],
  PodExpelled: [1],
  ReadmissionVoteCast: [1],
  ReadmissionVoteWithdrawn: [1],
  PodReadmitted: [1],
};

/** Every event type, in the catalogue's order. */
export const EVENT_TYPES = Object.keys(CATALOG_VERSIONS) as readonly EventType[];

export type EventData<T extends EventType, V extends keyof EventDataByVersion[T] = keyof EventDataByVersion[T]> =
  EventDataByVersion[T][V];

/** A validated envelope, narrowed by type and version: `switch (event.type)` narrows `data`. */
export type CatalogEvent = {
  [T in EventType]: {
    [V in keyof EventDataByVersion[T]]: EventEnvelope<EventDataByVersion[T][V]> & { type: T; schemaVersion: V };
  }[keyof EventDataByVersion[T]];
}[EventType];

/** The catalogue's events of some types: `CatalogEventOf<'VideoPublished' | 'VideoDeleted'>`. */
export type CatalogEventOf<T extends EventType> = Extract<CatalogEvent, { type: T }>;

type PickOfEach<E, K extends PropertyKey> = E extends unknown ? Pick<E, Extract<K, keyof E>> : never;

/**
 * Some fields of a catalogue event besides its type, version and data, still narrowed by type:
 * what a pure fold reads (`CatalogEventPart<'origin'>`), of some types only if `T` is given.
 */
export type CatalogEventPart<K extends keyof EventEnvelope = never, T extends EventType = EventType> = PickOfEach<
  CatalogEventOf<T>,
  K | 'type' | 'schemaVersion' | 'data'
>;

/** The draft of a catalogue event (what a decide returns), narrowed like CatalogEvent. */
export type CatalogDraft<T extends EventType = EventType> = {
  [K in T]: {
    [V in keyof EventDataByVersion[K]]: EventDraft<EventDataByVersion[K][V]> & { type: K; schemaVersion: V };
  }[keyof EventDataByVersion[K]];
}[T];

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && Object.hasOwn(CATALOG_VERSIONS, value);
}

/**
 * Narrows an envelope by its type and version. It checks only those two: the data was
 * validated against its schema before the event entered the log (event-log.ts for this
 * pod's events, validateEnvelope in foreign-event-verifier.ts for the others'), so an event
 * read from the log with a known type and version has the data of its type.
 */
export function isCatalogEvent(event: EventEnvelope): event is CatalogEvent {
  return isEventType(event.type) && (CATALOG_VERSIONS[event.type] as readonly number[]).includes(event.schemaVersion);
}

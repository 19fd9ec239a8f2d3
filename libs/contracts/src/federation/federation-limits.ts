/**
 * The sizes both ends of pod-to-pod replication agree on (docs/protocol.md, "Batches and
 * limits"). One constant per limit, shared by the side that enforces it and the side that cuts
 * its batches under it: every pod runs this protocol, so a constant needs no discovery round
 * trip and cannot be lied about by a peer; a receiver behind a stricter proxy still answers
 * 413, and the sender then halves its batches (never the same request again).
 * Constants only: browser-safe.
 */

/**
 * The most an event may weigh, encoded (JCS, UTF-8). Every published schema bounds each field,
 * and the largest event any of them admits (every string at its maximum length in the costliest
 * characters JSON has: 6 bytes each for a lone surrogate or a control character) stays under
 * this; libs/contracts/src/events/event-size-bound.unit.spec.ts computes that bound from the
 * schemas and fails if a schema, published or new, leaves any field unbounded or weighs more.
 */
export const MAX_EVENT_BYTES = 384 * 1024;

/**
 * What one event's activity may weigh beside its event: a video event's activity carries the
 * Video object, which repeats the description, name, tags and links (at most once more, and a
 * few fixed fields), and at most MAX_TRACKER_LINKS tracker links made from the magnet.
 */
export const MAX_ACTIVITY_OVERHEAD_BYTES = 64 * 1024;

/** At most this many trackers of a magnet are listed as links in a Video object. */
export const MAX_TRACKER_LINKS = 20;

/**
 * The largest activity one event makes: the event, a copy of its data, and the overhead.
 * Under MAX_INBOX_BODY_BYTES, less a Collection's framing: one event always travels alone.
 */
export const MAX_ACTIVITY_BYTES = 2 * MAX_EVENT_BYTES + MAX_ACTIVITY_OVERHEAD_BYTES;

/** The most a pod reads of one JSON body, the inbox's included (1 MiB, Express's "1mb"). */
export const MAX_INBOX_BODY_BYTES = 1024 * 1024;

/**
 * The most a pull client reads of one answer of GET /federation/events; a client asks for
 * pages of at most this size (`maxBytes`), which a server cuts by the events' encoded size.
 */
export const MAX_PULL_ANSWER_BYTES = 8 * 1024 * 1024;

/** A Collection's framing around its items, at most: @context, id, type, totalItems. */
export const MAX_COLLECTION_FRAME_BYTES = 4 * 1024;

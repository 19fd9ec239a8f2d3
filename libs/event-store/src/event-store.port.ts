import type { EventDraft, EventEnvelope, UnsignedEnvelope } from '@swarmtube/event-envelope';
import type { ReadModelDatabase } from './read-model-database.port.js';

/**
 * The event-store port. Narrow on purpose: two adapters (SQLite, PostgreSQL) implement it
 * and one contract suite (event-store.contract.ts) runs against both, so a third adapter
 * only has to pass the same suite.
 */

/** A stream's version is the number of events in it: 0 for a stream that does not exist. */
export type ExpectedVersion = number | 'any' | 'no-stream';

/** `E` narrows the envelope where the reader knows more (the pod's projections read CatalogEvents). */
export interface StoredEvent<E extends EventEnvelope = EventEnvelope> {
  /** Global, gap-free position in this pod's log, from 1, in commit order. */
  position: number;
  /** 1-based index of the event in its stream. */
  streamVersion: number;
  /** Hex SHA-256 of the JCS form of the whole envelope (proof included): the next event's prevHash. */
  hash: string;
  /** Parsed from `body`. */
  event: E;
  /**
   * The envelope exactly as stored: its JCS form, the bytes that were signed and hashed.
   * Both adapters always set it (reads and append results); audits recompute the hash and
   * the proof from it, so a stored byte changed behind the store's back shows here as-is.
   * Optional only so that events built in memory (tests, projections) need not carry it.
   */
  body?: string;
}

export interface AppendResult {
  /** The stream's version after the append. */
  streamVersion: number;
  events: StoredEvent[];
}

export type ForeignOutcome =
  | { id: string; status: 'appended'; position: number }
  | { id: string; status: 'duplicate' }
  | { id: string; status: 'rejected'; reason: ForeignRejection };

export type ForeignRejection =
  /** originSeq is not last+1 for its origin: the caller should pull the gap. */
  | { code: 'chain-gap'; expectedSeq: number; gotSeq: number }
  /** prevHash does not match the hash of the origin's previous event. */
  | { code: 'chain-broken'; originSeq: number }
  /** The id is taken by an event with a different content. */
  | { code: 'id-conflict' }
  /** originSeq already taken by another event (a fork by the origin). */
  | { code: 'seq-conflict'; originSeq: number }
  /** Not an envelope the log can hold (missing or mistyped field, not JSON-serializable). */
  | { code: 'malformed'; detail: string };

/**
 * Turns an unsigned envelope into a signed one. Called by the store inside the append
 * (after it has allocated originSeq and prevHash), synchronously, so that sealing and
 * appending are one atomic step. A local pod's sealer signs with the pod's Ed25519 key.
 */
export interface EventSealer {
  readonly origin: string;
  seal(unsigned: UnsignedEnvelope): EventEnvelope;
}

export interface Subscription {
  /** Resolves once the handler has returned for its last batch. */
  close(): Promise<void>;
}

export interface EventStore {
  readonly dialect: 'sqlite' | 'postgres';

  /**
   * Appends local events to one stream, all or nothing. The store assigns originSeq and
   * prevHash for the sealer's origin and seals each event. Concurrent appends are
   * committed together (group commit); the promise resolves only once the events are durable.
   * @throws ConcurrencyError when the stream's version is not `expectedVersion`.
   * @throws DuplicateEventError when a draft's id is already in the log.
   */
  append(stream: string, drafts: EventDraft[], options: { expectedVersion: ExpectedVersion }): Promise<AppendResult>;

  /**
   * Appends already-signed events of other origins (or of ours, read back from a peer),
   * one by one in the given order, idempotently by id, each checked against its origin's
   * chain (originSeq = last + 1, prevHash = hash of last). A rejected event does not stop
   * the others. The caller verifies proofs and schemas before.
   */
  appendForeign(events: EventEnvelope[]): Promise<ForeignOutcome[]>;

  /** The stream's events with streamVersion >= fromVersion (default 1), in stream order. */
  readStream(stream: string, options?: { fromVersion?: number }): Promise<StoredEvent[]>;
  /** Events with position > after, in position order, at most `limit`. */
  readAll(options: { after: number; limit: number }): Promise<StoredEvent[]>;
  /** Events of one origin with originSeq > after, in originSeq order, at most `limit`. */
  readOrigin(origin: string, options: { after: number; limit: number }): Promise<StoredEvent[]>;
  /** The last event of an origin in this log, or null. */
  originHead(origin: string): Promise<{ seq: number; hash: string } | null>;
  /** Every origin in the log with its head. */
  origins(): Promise<Array<{ origin: string; seq: number; hash: string }>>;
  /** The highest position, 0 for an empty log. */
  headPosition(): Promise<number>;

  /**
   * Delivers every event with position > `after`, in order, in batches, then every event
   * appended later, live: nothing missed, nothing twice. The next batch is read only after
   * the handler's promise settles. A handler that throws gets the same batch again after
   * `retryDelayMs` (default 1000).
   */
  subscribe(after: number, handler: (batch: StoredEvent[]) => Promise<void> | void, options?: { batchSize?: number; retryDelayMs?: number }): Subscription;

  close(): Promise<void>;
}

/** Counters for /metrics and tests, since this store instance opened. */
export interface EventStoreStats {
  /** Write transactions committed. Group commit makes this far lower than `writes` under load. */
  commits: number;
  /** append/appendForeign calls committed (failed calls are not counted). */
  writes: number;
  /** Events inserted (local and foreign). */
  events: number;
}

/** What `openEventStore` returns: the log, plus read models on the same database, plus counters. */
export interface OpenedEventStore extends EventStore {
  readonly readModels: ReadModelDatabase;
  stats(): EventStoreStats;
}

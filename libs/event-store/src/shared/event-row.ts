import type { EventEnvelope } from '@swarmtube/event-envelope';
import type { StoredEvent } from '../event-store.port.js';

/** One row of the `events` table, the same in both dialects. */
export interface EventRow {
  position: number;
  id: string;
  stream: string;
  streamVersion: number;
  origin: string;
  originSeq: number;
  type: string;
  /** sha256 hex of `body`, computed when the row was written. */
  hash: string;
  /** JCS of the envelope, byte-exact as signed. */
  body: string;
}

/**
 * The event is parsed from the stored body rather than kept from the writer's object, so
 * what a reader (or an append's caller) sees is exactly what replays and audits will see.
 */
export function toStoredEvent(row: Pick<EventRow, 'position' | 'streamVersion' | 'hash' | 'body'>): StoredEvent {
  return {
    position: row.position,
    streamVersion: row.streamVersion,
    hash: row.hash,
    event: JSON.parse(row.body) as EventEnvelope,
    body: row.body,
  };
}

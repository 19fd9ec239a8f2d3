import { canonicalize, sha256Hex } from '@swarmtube/event-envelope';
import type { EventDraft, EventEnvelope, UnsignedEnvelope } from '@swarmtube/event-envelope';
import { ConcurrencyError, DuplicateEventError, InvalidStoreInputError } from '../errors.js';
import type { EventSealer, ExpectedVersion, ForeignOutcome } from '../event-store.port.js';
import type { EventRow } from './event-row.js';
import { foreignEnvelopeProblem } from './input-validation.js';
import { WriteOverlay, type LogState } from './log-state.js';

/**
 * Decides what one append call writes, given the log's state: pure apart from the sealer
 * and the clock, and shared by both adapters so that they cannot disagree on the rules.
 */

export interface LocalAppendRequest {
  stream: string;
  drafts: readonly EventDraft[];
  expectedVersion: ExpectedVersion;
}

export interface PlanContext {
  sealer: EventSealer;
  now: () => Date;
  newId: () => string;
}

export function checkExpectedVersion(stream: string, expected: ExpectedVersion, actual: number): void {
  if (expected === 'any') return;
  const wanted = expected === 'no-stream' ? 0 : expected;
  if (actual !== wanted) throw new ConcurrencyError(stream, expected, actual);
}

export interface LocalPlan {
  rows: EventRow[];
  /** The stream's version once the rows are in. */
  streamVersion: number;
}

/** @throws ConcurrencyError, DuplicateEventError, InvalidStoreInputError */
export function planLocalAppend(request: LocalAppendRequest, state: LogState, context: PlanContext): LocalPlan {
  const overlay = new WriteOverlay(state);
  checkExpectedVersion(request.stream, request.expectedVersion, overlay.streamVersion(request.stream));
  const origin = context.sealer.origin;
  for (const draft of request.drafts) {
    const id = draft.id ?? context.newId();
    // Generated ids are fresh uuidv7s: only a caller's id can already be taken.
    if (draft.id !== undefined && overlay.bodyOf(id) !== undefined) throw new DuplicateEventError(id);
    const head = overlay.originHead(origin);
    const unsigned: UnsignedEnvelope = {
      id,
      type: draft.type,
      schemaVersion: draft.schemaVersion,
      origin,
      originSeq: (head?.seq ?? 0) + 1,
      prevHash: head?.hash ?? null,
      stream: request.stream,
      occurredAt: draft.occurredAt ?? context.now().toISOString(),
      data: draft.data,
    };
    const body = canonicalize(sealChecked(context.sealer, unsigned));
    overlay.add({ id, stream: unsigned.stream, origin, originSeq: unsigned.originSeq, type: unsigned.type, hash: sha256Hex(body), body });
  }
  return { rows: overlay.rows, streamVersion: overlay.streamVersion(request.stream) };
}

function sealChecked(sealer: EventSealer, unsigned: UnsignedEnvelope): EventEnvelope {
  let sealed: EventEnvelope;
  try {
    sealed = sealer.seal(unsigned);
  } catch (error) {
    // Signing canonicalizes the data: data with no JSON form is the caller's fault, anything else the sealer's.
    if (!hasJsonForm(unsigned.data)) throw new InvalidStoreInputError(`event ${unsigned.id}: data has no JSON form (${String(error)})`);
    throw error;
  }
  // The chain fields are the store's to assign: a sealer that changed them would fork the log.
  if (
    sealed === null || typeof sealed !== 'object' || sealed.id !== unsigned.id || sealed.origin !== unsigned.origin ||
    sealed.originSeq !== unsigned.originSeq || sealed.prevHash !== unsigned.prevHash || sealed.stream !== unsigned.stream ||
    sealed.proof === null || typeof sealed.proof !== 'object'
  ) {
    throw new Error(`the sealer for ${sealer.origin} returned an envelope that does not match what it was given`);
  }
  return sealed;
}

function hasJsonForm(value: unknown): boolean {
  try {
    canonicalize(value);
    return true;
  } catch {
    return false;
  }
}

export interface ForeignPlan {
  outcomes: ForeignOutcome[];
  rows: EventRow[];
}

/** Each event in order against its origin's chain; a rejected event never stops the others. */
export function planForeignAppend(events: readonly unknown[], state: LogState): ForeignPlan {
  const overlay = new WriteOverlay(state);
  const outcomes = events.map((event): ForeignOutcome => {
    const problem = foreignEnvelopeProblem(event);
    const id = typeof (event as { id?: unknown } | null)?.id === 'string' ? (event as { id: string }).id : '';
    if (problem) return { id, status: 'rejected', reason: { code: 'malformed', detail: problem } };
    const envelope = event as EventEnvelope;
    let body: string;
    try {
      body = canonicalize(envelope);
    } catch (error) {
      return { id, status: 'rejected', reason: { code: 'malformed', detail: `no JSON form: ${String(error)}` } };
    }
    const existing = overlay.bodyOf(id);
    if (existing !== undefined) {
      return existing === body ? { id, status: 'duplicate' } : { id, status: 'rejected', reason: { code: 'id-conflict' } };
    }
    const head = overlay.originHead(envelope.origin);
    const headSeq = head?.seq ?? 0;
    if (envelope.originSeq <= headSeq) return { id, status: 'rejected', reason: { code: 'seq-conflict', originSeq: envelope.originSeq } };
    if (envelope.originSeq > headSeq + 1) {
      return { id, status: 'rejected', reason: { code: 'chain-gap', expectedSeq: headSeq + 1, gotSeq: envelope.originSeq } };
    }
    if (envelope.prevHash !== (head?.hash ?? null)) return { id, status: 'rejected', reason: { code: 'chain-broken', originSeq: envelope.originSeq } };
    const row = overlay.add({
      id,
      stream: envelope.stream,
      origin: envelope.origin,
      originSeq: envelope.originSeq,
      type: envelope.type,
      hash: sha256Hex(body),
      body,
    });
    return { id, status: 'appended', position: row.position };
  });
  return { outcomes, rows: overlay.rows };
}

/** The keys a batch will look up, so PostgreSQL can load them in one round trip. */
export interface StateKeys {
  origins: Set<string>;
  streams: Set<string>;
  ids: Set<string>;
}

export function emptyStateKeys(): StateKeys {
  return { origins: new Set(), streams: new Set(), ids: new Set() };
}

export function collectLocalKeys(keys: StateKeys, request: LocalAppendRequest, origin: string): void {
  keys.origins.add(origin);
  keys.streams.add(request.stream);
  // Generated ids are fresh uuidv7s; a collision would still be caught by the unique index.
  for (const draft of request.drafts) if (draft.id !== undefined) keys.ids.add(draft.id);
}

export function collectForeignKeys(keys: StateKeys, events: readonly unknown[]): void {
  for (const event of events) {
    if (foreignEnvelopeProblem(event)) continue;
    const e = event as EventEnvelope;
    keys.ids.add(e.id);
    keys.origins.add(e.origin);
    keys.streams.add(e.stream);
  }
}

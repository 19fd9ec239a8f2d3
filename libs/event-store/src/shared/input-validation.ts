import type { EventDraft } from '@swarmtube/event-envelope';
import { InvalidStoreInputError } from '../errors.js';
import type { ExpectedVersion } from '../event-store.port.js';

/** Checks at the store's door, so that bad input fails with a typed error before any write. */

const MAX_NAME_LENGTH = 2048;

export function assertStreamName(stream: unknown): asserts stream is string {
  if (typeof stream !== 'string' || stream.length === 0 || stream.length > MAX_NAME_LENGTH) {
    throw new InvalidStoreInputError(`stream must be a non-empty string of at most ${MAX_NAME_LENGTH} characters`);
  }
}

export function assertExpectedVersion(expected: unknown): asserts expected is ExpectedVersion {
  if (expected === 'any' || expected === 'no-stream') return;
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0) return;
  throw new InvalidStoreInputError(`expectedVersion must be 'any', 'no-stream' or an integer >= 0, got ${JSON.stringify(expected)}`);
}

export function assertDrafts(drafts: unknown): asserts drafts is EventDraft[] {
  if (!Array.isArray(drafts)) throw new InvalidStoreInputError('drafts must be an array');
  drafts.forEach((draft: unknown, index) => {
    const problem = draftProblem(draft);
    if (problem) throw new InvalidStoreInputError(`draft ${index}: ${problem}`);
  });
}

function draftProblem(draft: unknown): string | null {
  if (draft === null || typeof draft !== 'object' || Array.isArray(draft)) return 'not an object';
  const d = draft as Record<string, unknown>;
  if (d.id !== undefined && (typeof d.id !== 'string' || d.id.length === 0 || d.id.length > MAX_NAME_LENGTH)) return 'id must be a non-empty string';
  if (typeof d.type !== 'string' || d.type.length === 0) return 'type must be a non-empty string';
  if (typeof d.schemaVersion !== 'number' || !Number.isSafeInteger(d.schemaVersion) || d.schemaVersion < 1) return 'schemaVersion must be an integer >= 1';
  if (d.data === undefined) return 'data is missing';
  if (d.occurredAt !== undefined && (typeof d.occurredAt !== 'string' || Number.isNaN(Date.parse(d.occurredAt)))) return 'occurredAt must be an ISO date string';
  return null;
}

export function assertReadWindow(options: unknown): asserts options is { after: number; limit: number } {
  const o = (options ?? {}) as Record<string, unknown>;
  if (typeof o.after !== 'number' || !Number.isSafeInteger(o.after) || o.after < 0) throw new InvalidStoreInputError('after must be an integer >= 0');
  if (typeof o.limit !== 'number' || !Number.isSafeInteger(o.limit) || o.limit < 1) throw new InvalidStoreInputError('limit must be an integer >= 1');
}

export function assertFromVersion(fromVersion: unknown): asserts fromVersion is number | undefined {
  if (fromVersion === undefined) return;
  if (typeof fromVersion !== 'number' || !Number.isSafeInteger(fromVersion) || fromVersion < 1) {
    throw new InvalidStoreInputError('fromVersion must be an integer >= 1');
  }
}

export function assertOriginName(origin: unknown): asserts origin is string {
  if (typeof origin !== 'string' || origin.length === 0 || origin.length > MAX_NAME_LENGTH) {
    throw new InvalidStoreInputError('origin must be a non-empty string');
  }
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** Why a foreign envelope cannot be stored, or null. Proofs and schemas are the caller's job. */
export function foreignEnvelopeProblem(event: unknown): string | null {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return 'not an object';
  const e = event as Record<string, unknown>;
  if (typeof e.id !== 'string' || e.id.length === 0 || e.id.length > MAX_NAME_LENGTH) return 'id must be a non-empty string';
  if (typeof e.type !== 'string' || e.type.length === 0) return 'type must be a non-empty string';
  if (typeof e.origin !== 'string' || e.origin.length === 0 || e.origin.length > MAX_NAME_LENGTH) return 'origin must be a non-empty string';
  if (typeof e.stream !== 'string' || e.stream.length === 0 || e.stream.length > MAX_NAME_LENGTH) return 'stream must be a non-empty string';
  if (typeof e.originSeq !== 'number' || !Number.isSafeInteger(e.originSeq) || e.originSeq < 1) return 'originSeq must be an integer >= 1';
  if (e.prevHash !== null && (typeof e.prevHash !== 'string' || !HEX_SHA256.test(e.prevHash))) return 'prevHash must be null or a hex sha-256';
  if (e.proof === null || typeof e.proof !== 'object') return 'proof is missing';
  return null;
}

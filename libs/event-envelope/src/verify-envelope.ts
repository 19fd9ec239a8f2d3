import { KeyObject } from 'node:crypto';
import type { EventEnvelope } from './envelope.js';
import { ed25519KeyId } from './multikey.js';
import { type ProofFailure, verifyProof } from './proof.js';

/**
 * Checks that an event is well formed and signed by its own origin's key. The caller
 * supplies key resolution (actor documents, a key cache, a database), so that this
 * stays pure and usable offline by auditors.
 */

export type KeyResolver = (
  verificationMethod: string,
  origin: string,
) => KeyObject | null | undefined | Promise<KeyObject | null | undefined>;

export type EnvelopeFailure =
  | ProofFailure
  | { type: 'malformedEnvelope'; detail: string }
  /** The proof names a key that is not the origin's: a pod signing in another's name. */
  | { type: 'foreignVerificationMethod'; origin: string; verificationMethod: string }
  | { type: 'keyNotFound'; verificationMethod: string }
  /** The resolver failed (network, database): worth retrying, unlike the others. */
  | { type: 'keyUnavailable'; verificationMethod: string; detail: string };

export type EnvelopeVerification = { verified: true } | { verified: false; reason: EnvelopeFailure };

const HEX_SHA256 = /^[0-9a-f]{64}$/;

function isPositiveInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** The envelope's shape as docs/architecture.md and events/CATALOG.md fix it; the data's shape is the schemas' business. */
function envelopeProblem(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'the event is not a JSON object';
  const e = value as Record<string, unknown>;
  if (!isNonEmptyString(e.id)) return 'id must be a non-empty string';
  if (!isNonEmptyString(e.type)) return 'type must be a non-empty string';
  if (!isPositiveInteger(e.schemaVersion)) return 'schemaVersion must be a positive integer';
  if (!isNonEmptyString(e.origin) || !URL.canParse(e.origin)) return 'origin must be an absolute URL';
  if (!isPositiveInteger(e.originSeq)) return 'originSeq must be a positive integer';
  if (e.prevHash !== null && !(typeof e.prevHash === 'string' && HEX_SHA256.test(e.prevHash))) {
    return 'prevHash must be null or a lower-case hex SHA-256';
  }
  if (!isNonEmptyString(e.stream)) return 'stream must be a non-empty string';
  if (!isNonEmptyString(e.occurredAt)) return 'occurredAt must be a non-empty string';
  if (!('data' in e)) return 'data is missing';
  if (e.proof === null || typeof e.proof !== 'object' || Array.isArray(e.proof)) return 'proof must be an object';
  if (!isNonEmptyString((e.proof as Record<string, unknown>).verificationMethod)) {
    return 'proof.verificationMethod must be a non-empty string';
  }
  return null;
}

/** Never throws: any input, any resolver behaviour ends in a result. */
export async function verifyEnvelope(envelope: unknown, resolveKey: KeyResolver): Promise<EnvelopeVerification> {
  const problem = envelopeProblem(envelope);
  if (problem !== null) return { verified: false, reason: { type: 'malformedEnvelope', detail: problem } };
  const event = envelope as EventEnvelope;
  const verificationMethod = event.proof.verificationMethod;
  // Checked before any key lookup, so a forged claim costs no fetch.
  if (verificationMethod !== ed25519KeyId(event.origin)) {
    return { verified: false, reason: { type: 'foreignVerificationMethod', origin: event.origin, verificationMethod } };
  }
  let key: KeyObject | null | undefined;
  try {
    key = await resolveKey(verificationMethod, event.origin);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { verified: false, reason: { type: 'keyUnavailable', verificationMethod, detail } };
  }
  if (key === null || key === undefined) return { verified: false, reason: { type: 'keyNotFound', verificationMethod } };
  return verifyProof(event, key);
}

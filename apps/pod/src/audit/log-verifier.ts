import type { KeyObject } from 'node:crypto';
import { canonicalize, sha256Hex } from '../../../../libs/event-envelope/src/canonical.js';
import type { EventEnvelope } from '../../../../libs/event-envelope/src/envelope.js';
import { decodeMultikey } from '../../../../libs/event-envelope/src/multikey.js';
import { verifyProof } from '../../../../libs/event-envelope/src/proof.js';
import { validateEnvelope } from '../../../../libs/contracts/src/events/event-validator.js';

export type AuditFailureCode =
  | 'not-json'
  | 'not-canonical'
  | 'envelope-invalid'
  | 'duplicate-id'
  | 'chain-gap'
  | 'chain-broken'
  | 'no-genesis'
  | 'bad-genesis'
  | 'bad-proof';

export interface AuditFailure {
  code: AuditFailureCode;
  position: number;
  id?: string;
  origin?: string;
  originSeq?: number;
  detail: string;
}

interface OriginState {
  seq: number;
  hash: string;
  key: KeyObject;
}

/**
 * Checks a log event by event, with nothing but the log: each event's bytes are its JCS
 * form, its envelope and data match their schemas, each origin's chain is gap-free and
 * linked by hashes, and each proof verifies with the key the origin declared in its first
 * event (PodJoined). Feed events in log order; the first failure is returned.
 */
export class LogVerifier {
  private readonly origins = new Map<string, OriginState>();
  private readonly ids = new Set<string>();
  verified = 0;

  constructor(private readonly options: { checkProofs: boolean } = { checkProofs: true }) {}

  get originCount(): number {
    return this.origins.size;
  }

  /** Returns the parsed envelope, or the reason the event is bad. */
  check(position: number, body: string): { ok: true; event: EventEnvelope } | { ok: false; failure: AuditFailure } {
    const fail = (code: AuditFailureCode, detail: string, event?: Partial<EventEnvelope>) => ({
      ok: false as const,
      failure: { code, position, id: event?.id, origin: event?.origin, originSeq: event?.originSeq, detail },
    });
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      return fail('not-json', `not JSON: ${(error as Error).message}`);
    }
    const envelope = parsed as EventEnvelope;
    let canonical: string;
    try {
      canonical = canonicalize(parsed);
    } catch {
      return fail('not-json', 'not canonicalizable');
    }
    if (canonical !== body) return fail('not-canonical', 'the stored bytes are not the JCS form of the event', envelope);
    const shape = validateEnvelope(parsed);
    if (!shape.ok) return fail('envelope-invalid', shape.message, envelope);
    if (this.ids.has(envelope.id)) return fail('duplicate-id', 'the id appears twice in the log', envelope);

    const state = this.origins.get(envelope.origin);
    const expectedSeq = (state?.seq ?? 0) + 1;
    if (envelope.originSeq !== expectedSeq) {
      return fail('chain-gap', `originSeq ${envelope.originSeq} where ${expectedSeq} was expected`, envelope);
    }
    if (envelope.prevHash !== (state?.hash ?? null)) {
      return fail('chain-broken', `prevHash does not match the hash of the origin's event ${expectedSeq - 1}`, envelope);
    }

    let key = state?.key;
    if (!state) {
      if (envelope.type !== 'PodJoined') return fail('no-genesis', 'the first event of an origin must be its PodJoined', envelope);
      const data = envelope.data as { actor?: string; keys?: { ed25519Multibase?: string } };
      if (data.actor !== envelope.origin) return fail('bad-genesis', 'PodJoined declares another actor than its origin', envelope);
      const decoded = decodeMultikey(String(data.keys?.ed25519Multibase ?? ''));
      if (!decoded.ok) return fail('bad-genesis', `PodJoined's Ed25519 key is unusable: ${decoded.error.message}`, envelope);
      key = decoded.publicKey;
    }
    if (this.options.checkProofs) {
      if (envelope.proof.verificationMethod !== `${envelope.origin}#ed25519-key`) {
        return fail('bad-proof', `signed by ${envelope.proof.verificationMethod}, not by its origin`, envelope);
      }
      const result = verifyProof(envelope, key!);
      if (!result.verified) return fail('bad-proof', `proof does not verify (${result.reason.type})`, envelope);
    }
    this.origins.set(envelope.origin, { seq: envelope.originSeq, hash: sha256Hex(body), key: key! });
    this.ids.add(envelope.id);
    this.verified += 1;
    return { ok: true, event: envelope };
  }
}

import { canonicalize, sha256Hex } from '@swarmtube/event-envelope';
import type { EventEnvelope } from '@swarmtube/event-envelope';

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
  keyMultibase: string;
}

export type ChainCheck = { ok: true; event: EventEnvelope; keyMultibase: string } | { ok: false; failure: AuditFailure };

/**
 * The audit's sequential half: each event's bytes are its JCS form, ids are unique, each
 * origin's chain is gap-free and hash-linked from its genesis PodJoined, which declares the
 * key every later proof must verify with. Feed events in log order. The other half, schemas
 * and proofs, is independent per event and runs on every core (SignedContentPool).
 */
export class LogVerifier {
  private readonly origins = new Map<string, OriginState>();
  private readonly ids = new Set<string>();
  private readonly positions: number[] = [];

  get checked(): number {
    return this.positions.length;
  }

  /** How many events passed this half of the checks before a position (for the report). */
  checkedBefore(position: number): number {
    return this.positions.filter((p) => p < position).length;
  }

  get originCount(): number {
    return this.origins.size;
  }

  check(position: number, body: string): ChainCheck {
    const fail = (code: AuditFailureCode, detail: string, event?: Partial<EventEnvelope>): ChainCheck => ({
      ok: false,
      failure: {
        code,
        position,
        id: typeof event?.id === 'string' ? event.id : undefined,
        origin: typeof event?.origin === 'string' ? event.origin : undefined,
        originSeq: typeof event?.originSeq === 'number' ? event.originSeq : undefined,
        detail,
      },
    });
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      return fail('not-json', `not JSON: ${(error as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return fail('envelope-invalid', 'the event is not a JSON object');
    const envelope = parsed as EventEnvelope;
    if (canonicalize(parsed) !== body) return fail('not-canonical', 'the stored bytes are not the JCS form of the event', envelope);
    if (typeof envelope.id !== 'string' || typeof envelope.origin !== 'string' || typeof envelope.originSeq !== 'number') {
      return fail('envelope-invalid', 'id, origin or originSeq is missing or of the wrong type', envelope);
    }
    if (this.ids.has(envelope.id)) return fail('duplicate-id', 'the id appears twice in the log', envelope);

    const state = this.origins.get(envelope.origin);
    const expectedSeq = (state?.seq ?? 0) + 1;
    if (envelope.originSeq !== expectedSeq) return fail('chain-gap', `originSeq ${envelope.originSeq} where ${expectedSeq} was expected`, envelope);
    if (envelope.prevHash !== (state?.hash ?? null)) {
      return fail('chain-broken', `prevHash does not match the hash of the origin's event ${expectedSeq - 1}`, envelope);
    }
    let keyMultibase = state?.keyMultibase;
    if (!state) {
      if (envelope.type !== 'PodJoined') return fail('no-genesis', 'the first event of an origin must be its PodJoined', envelope);
      const data = envelope.data as { actor?: unknown; keys?: { ed25519Multibase?: unknown } } | null;
      if (data?.actor !== envelope.origin) return fail('bad-genesis', 'PodJoined declares another actor than its origin', envelope);
      if (typeof data.keys?.ed25519Multibase !== 'string') return fail('bad-genesis', 'PodJoined declares no Ed25519 key', envelope);
      keyMultibase = data.keys.ed25519Multibase;
    }
    this.origins.set(envelope.origin, { seq: envelope.originSeq, hash: sha256Hex(body), keyMultibase: keyMultibase! });
    this.ids.add(envelope.id);
    this.positions.push(position);
    return { ok: true, event: envelope, keyMultibase: keyMultibase! };
  }
}

import type { KeyObject } from 'node:crypto';
import type { EventEnvelope } from '@swarmtube/event-envelope';
import { decodeMultikey } from '@swarmtube/event-envelope';
import { verifyEnvelope } from '@swarmtube/event-envelope';
import type { EventStore } from '@swarmtube/event-store';
import { validateEnvelope } from '@swarmtube/contracts';

export type ForeignCheck = { ok: true; event: EventEnvelope } | { ok: false; id?: string; code: string; detail: string };

/**
 * Checks events signed elsewhere before they may enter the log: the envelope and data
 * against their schemas, then the proof against the key the origin declared in its genesis
 * PodJoined (from the log, or from a genesis earlier in the same batch). Keys are cached:
 * a genesis never changes once in the log.
 */
export class ForeignEventVerifier {
  private readonly keys = new Map<string, KeyObject>();

  constructor(private readonly store: EventStore) {}

  /** Checks a batch in order; a genesis in the batch vouches for its origin's later events. */
  async check(values: readonly unknown[]): Promise<ForeignCheck[]> {
    const declared = new Map<string, KeyObject>();
    const results: ForeignCheck[] = [];
    for (const value of values) results.push(await this.checkOne(value, declared));
    return results;
  }

  private async checkOne(value: unknown, declared: Map<string, KeyObject>): Promise<ForeignCheck> {
    const id = typeof (value as { id?: unknown })?.id === 'string' ? ((value as { id: string }).id as string).slice(0, 200) : undefined;
    const shape = validateEnvelope(value);
    if (!shape.ok) return { ok: false, id, code: shape.code, detail: shape.message };
    const event = value as EventEnvelope;
    const logKey = await this.keyFromLog(event.origin);
    let key = logKey ?? declared.get(event.origin);
    if (!key && event.type === 'PodJoined' && event.originSeq === 1) {
      const decoded = decodeMultikey((event.data as { keys: { ed25519Multibase: string } }).keys.ed25519Multibase);
      if (!decoded.ok) return { ok: false, id, code: 'bad-proof', detail: `the genesis key is unusable: ${decoded.error.message}` };
      key = decoded.publicKey;
    }
    if (!key) return { ok: false, id, code: 'unknown-origin', detail: `no genesis (PodJoined) is known for ${event.origin}: pull its log from originSeq 1` };
    const verification = await verifyEnvelope(event, () => key);
    if (!verification.verified) return { ok: false, id, code: 'bad-proof', detail: `the proof does not verify (${verification.reason.type})` };
    if (!logKey && event.type === 'PodJoined' && event.originSeq === 1) declared.set(event.origin, key);
    return { ok: true, event };
  }

  private async keyFromLog(origin: string): Promise<KeyObject | undefined> {
    const cached = this.keys.get(origin);
    if (cached) return cached;
    const [genesis] = await this.store.readOrigin(origin, { after: 0, limit: 1 });
    if (!genesis) return undefined;
    const decoded = decodeMultikey((genesis.event.data as { keys?: { ed25519Multibase?: string } }).keys?.ed25519Multibase);
    if (!decoded.ok) return undefined;
    this.keys.set(origin, decoded.publicKey);
    return decoded.publicKey;
  }
}

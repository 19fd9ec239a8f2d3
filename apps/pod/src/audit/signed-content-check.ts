import type { KeyObject } from 'node:crypto';
import type { EventEnvelope } from '@swarmtube/event-envelope';
import { decodeMultikey } from '@swarmtube/event-envelope';
import { verifyProof } from '@swarmtube/event-envelope';
import { validateEnvelope } from '@swarmtube/contracts';

/** What the audit checks of one event apart from the chain: its schemas and its proof. */
export interface SignedContentTask {
  position: number;
  /** The event's stored bytes: a string crosses to a worker thread cheaper than an object. */
  body: string;
  /** The origin's Ed25519 key as declared in its genesis (a Multikey). */
  keyMultibase: string;
}

export type SignedContentResult =
  | { position: number; ok: true }
  | { position: number; ok: false; code: 'envelope-invalid' | 'bad-proof'; detail: string; id?: string; origin?: string; originSeq?: number };

/** Pure and self-contained, so it runs the same inline or in a worker thread. */
export function createSignedContentChecker(options: { checkProofs: boolean }) {
  const keys = new Map<string, KeyObject | null>();
  const keyOf = (multibase: string) => {
    if (!keys.has(multibase)) {
      const decoded = decodeMultikey(multibase);
      keys.set(multibase, decoded.ok ? decoded.publicKey : null);
    }
    return keys.get(multibase)!;
  };
  const check = (task: SignedContentTask, event: EventEnvelope): SignedContentResult => {
    const { position } = task;
    const shape = validateEnvelope(event);
    if (!shape.ok) return { position, ok: false, code: 'envelope-invalid', detail: shape.message };
    if (!options.checkProofs) return { position, ok: true };
    if (event.proof.verificationMethod !== `${event.origin}#ed25519-key`) {
      return { position, ok: false, code: 'bad-proof', detail: `signed by ${event.proof.verificationMethod}, not by its origin` };
    }
    const key = keyOf(task.keyMultibase);
    if (!key) return { position, ok: false, code: 'bad-proof', detail: 'the origin declared no usable Ed25519 key' };
    const result = verifyProof(event, key);
    return result.verified ? { position, ok: true } : { position, ok: false, code: 'bad-proof', detail: `proof does not verify (${result.reason.type})` };
  };
  return (task: SignedContentTask): SignedContentResult => {
    // The sequential half parsed these bytes already: they are JSON.
    const event = JSON.parse(task.body) as EventEnvelope;
    const result = check(task, event);
    return result.ok ? result : { ...result, id: event.id, origin: event.origin, originSeq: event.originSeq };
  };
}

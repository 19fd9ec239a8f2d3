import { ref, shallowRef, watch, type Ref } from 'vue';
import type { EventEnvelope, PodJoinedDataV1 } from '@/api/types';
import { decodeEd25519Multikey, ed25519Supported, hashEvent, importEd25519, verifyProof } from '@/crypto/verify-event';

export type VerificationStatus =
  /** Proof checked with the origin's key from its PodJoined in this log; the chain too when the previous event is here. */
  | 'verified'
  | 'bad-proof'
  | 'bad-chain'
  /** The origin's PodJoined is not in this log (yet): no key to check with. */
  | 'no-key'
  /** This browser has no Ed25519 in WebCrypto. */
  | 'unsupported'
  | 'pending';

export interface Verification {
  status: VerificationStatus;
  /** One line for the UI: what was checked, or why it failed. */
  detail: string;
}

/**
 * Verifies every event of a log as it is read, in log order: each origin's key comes from its
 * PodJoined (originSeq 1, which declares it: docs/adr/0001-origin-keys-in-the-log.md), each
 * proof is checked with WebCrypto Ed25519, and each `prevHash` against the hash of the origin's
 * previous event when that one is in the log too.
 */
export function useEventVerification(events: Ref<readonly EventEnvelope[]>) {
  const results = shallowRef<ReadonlyMap<string, Verification>>(new Map());
  const supported = ref<boolean | null>(null);
  /** What one pass over the log has learnt; a reload starts a new one. */
  interface Pass {
    keys: Map<string, Promise<CryptoKey | null>>;
    last: Map<string, { seq: number; hash: string }>;
  }
  let pass: Pass = { keys: new Map(), last: new Map() };
  let done = 0;
  let running: Promise<void> | null = null;
  let generation = 0;

  function keyFor({ keys }: Pass, event: EventEnvelope): Promise<CryptoKey | null> | undefined {
    if (event.type === 'PodJoined' && event.originSeq === 1) {
      const data = event.data as Partial<PodJoinedDataV1>;
      const raw = data?.actor === event.origin ? decodeEd25519Multikey(data.keys?.ed25519Multibase) : null;
      const key = raw ? importEd25519(raw).catch(() => null) : Promise.resolve(null);
      keys.set(event.origin, key);
    }
    return keys.get(event.origin);
  }

  async function check(state: Pass, event: EventEnvelope): Promise<Verification> {
    const { last } = state;
    const keyPromise = keyFor(state, event);
    // The chain first: it needs no key.
    const previous = last.get(event.origin);
    let chain: 'ok' | 'bad' | 'unchecked' = 'unchecked';
    if (event.originSeq === 1) chain = event.prevHash === null ? 'ok' : 'bad';
    else if (previous && previous.seq === event.originSeq - 1) chain = previous.hash === event.prevHash ? 'ok' : 'bad';
    last.set(event.origin, { seq: event.originSeq, hash: await hashEvent(event) });
    if (!supported.value) return { status: 'unsupported', detail: 'This browser cannot check Ed25519 signatures (no Ed25519 in WebCrypto): not verified here.' };
    const key = keyPromise ? await keyPromise : undefined;
    if (key === undefined) return { status: 'no-key', detail: 'The origin\'s PodJoined (its key) is not in this log: not verified.' };
    if (key === null) return { status: 'bad-proof', detail: 'The origin\'s PodJoined declares no usable Ed25519 key.' };
    const proof = await verifyProof(event, key);
    if (!proof.ok) return { status: 'bad-proof', detail: `Proof refused: ${proof.reason}.` };
    if (chain === 'bad') return { status: 'bad-chain', detail: 'The signature is good, but prevHash is not the hash of the origin\'s previous event.' };
    return {
      status: 'verified',
      detail: chain === 'ok' ? 'Signature and chain verified in this browser.' : 'Signature verified in this browser (the previous event of its origin is not loaded).',
    };
  }

  async function drain(): Promise<void> {
    const mine = generation;
    const state = pass;
    supported.value ??= await ed25519Supported();
    while (mine === generation && done < events.value.length) {
      const event = events.value[done];
      const result = await check(state, event);
      if (mine !== generation) return;
      const next = new Map(results.value);
      next.set(event.id, result);
      results.value = next;
      done++;
    }
  }

  function run(): void {
    if (running) return;
    const current: Promise<void> = drain().finally(() => {
      if (running !== current) return;
      running = null;
      if (done < events.value.length) run();
    });
    running = current;
  }

  watch(
    events,
    (list, previous) => {
      // A reload (a shorter or different list) starts again.
      if (!previous || list.length < done || (done > 0 && list[done - 1]?.id !== previous[done - 1]?.id)) {
        generation++;
        running = null;
        done = 0;
        pass = { keys: new Map(), last: new Map() };
        results.value = new Map();
      }
      run();
    },
    { immediate: true },
  );

  function statusOf(id: string): Verification {
    return results.value.get(id) ?? { status: 'pending', detail: 'Being checked…' };
  }

  return { results, supported, statusOf };
}

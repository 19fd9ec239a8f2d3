import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { hashEvent } from '@swarmtube/event-envelope';
import type { EventEnvelope, UnsignedEnvelope } from '@swarmtube/event-envelope';
import { signEnvelope } from '@swarmtube/event-envelope';
import type { EventSealer } from '@swarmtube/event-store';

export interface TestSealer extends EventSealer {
  readonly verificationMethod: string;
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
}

/** A sealer with a fresh Ed25519 key, signing like a pod does (eddsa-jcs-2022). */
export function createTestSealer(origin = 'http://localhost:9999/federation/actor'): TestSealer {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const verificationMethod = `${origin}#ed25519-key`;
  return {
    origin,
    verificationMethod,
    publicKey,
    privateKey,
    seal: (unsigned: UnsignedEnvelope) => signEnvelope(unsigned, { privateKey, verificationMethod }),
  };
}

export interface ChainLink {
  stream: string;
  type?: string;
  data?: unknown;
  id?: string;
}

/**
 * Signed events of another origin, chained as that origin's pod would have chained them:
 * what a peer receives. Continue a chain by passing the last event as `after`.
 */
export function sealChain(sealer: EventSealer, links: readonly ChainLink[], after?: EventEnvelope): EventEnvelope[] {
  const chain: EventEnvelope[] = [];
  let previous = after;
  for (const [index, link] of links.entries()) {
    const unsigned: UnsignedEnvelope = {
      id: link.id ?? `urn:uuid:${crypto.randomUUID()}`,
      type: link.type ?? 'TestHappened',
      schemaVersion: 1,
      origin: sealer.origin,
      originSeq: (previous?.originSeq ?? 0) + 1,
      prevHash: previous ? hashEvent(previous) : null,
      stream: link.stream,
      occurredAt: new Date(Date.UTC(2026, 10, 25, 17, 0, index)).toISOString(),
      data: link.data ?? { n: index },
    };
    previous = sealer.seal(unsigned);
    chain.push(previous);
  }
  return chain;
}

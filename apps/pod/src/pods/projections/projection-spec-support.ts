import type { EventEnvelope } from '@swarmtube/event-envelope';
import { friendshipStream } from '@swarmtube/contracts';

/**
 * Unsigned events for the order-independence specs of the read models: each origin's chain
 * numbered in order, a clock 7 ms per event, ids unique and sortable by time. Projections
 * never look at proofs or prevHash (the log checks those before they apply an event).
 */
export const actor = (name: string) => `http://${name}.test/federation/actor`;
const host = (x: string) => new URL(x).host;

export function eventBuilder(start = '2026-11-25T17:00:00.000Z') {
  const seqs = new Map<string, number>();
  let clock = Date.parse(start);
  const make = (origin: string, type: string, data: Record<string, unknown>, stream: string): EventEnvelope => {
    const originSeq = (seqs.get(origin) ?? 0) + 1;
    seqs.set(origin, originSeq);
    clock += 7;
    const id = `urn:uuid:${String(clock).padStart(14, '0')}-${originSeq}-${new URL(origin).hostname}`;
    return { id, type, schemaVersion: 1, origin, originSeq, prevHash: null, stream, occurredAt: new Date(clock).toISOString(), data } as EventEnvelope;
  };
  const pair = (x: string, y: string) => friendshipStream(host(x), host(y));
  return {
    make,
    now: () => new Date(clock).toISOString(),
    joined: (x: string) => make(x, 'PodJoined', { actor: x, host: host(x), name: x, keys: { ed25519Multibase: `z${x}`, rsaPublicKeyPem: 'pem' } }, `pod:${host(x)}`),
    requested: (x: string, y: string) => make(x, 'FriendshipRequested', { requester: x, target: y }, pair(x, y)),
    accepted: (x: string, y: string) => make(y, 'FriendshipAccepted', { requester: x, accepter: y }, pair(x, y)),
    ended: (x: string, y: string, reason: string) => make(x, 'FriendshipEnded', { peer: y, reason }, pair(x, y)),
    /** A vote on `target` (ExpulsionVoteCast, ReadmissionVoteCast, …) by `x`. */
    vote: (x: string, type: string, target: string) => make(x, type, { target, reason: '' }, `pod:${host(target)}`),
    /** An outcome record (PodExpelled, PodReadmitted) by `x`, naming the votes that decided it. */
    record: (x: string, type: string, target: string, votes: EventEnvelope[]) => make(x, type, { target, votes: votes.map((v) => v.id) }, `pod:${host(target)}`),
  };
}

/** A random interleaving of the origins' chains: each origin's events stay in order, nothing else does. */
export function interleaving(events: EventEnvelope[], random: () => number): EventEnvelope[] {
  const queues = new Map<string, EventEnvelope[]>();
  for (const event of events) queues.set(event.origin, [...(queues.get(event.origin) ?? []), event]);
  const out: EventEnvelope[] = [];
  while (queues.size > 0) {
    const origins = [...queues.keys()];
    const origin = origins[Math.floor(random() * origins.length)];
    const queue = queues.get(origin)!;
    out.push(queue.shift()!);
    if (queue.length === 0) queues.delete(origin);
  }
  return out;
}

/** A small deterministic generator, so that a failing order can be replayed. */
export function seeded(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

/** How a failing order is named: origin host and originSeq of each event. */
export const describeOrder = (order: EventEnvelope[]) => order.map((e) => `${new URL(e.origin).hostname}${e.originSeq}`).join(' ');

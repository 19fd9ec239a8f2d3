import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EventEnvelope } from '../../../../../libs/event-envelope/src/envelope.js';
import type { StoredEvent } from '../../../../../libs/event-store/src/event-store.port.js';
import { friendshipStream } from '../../../../../libs/contracts/src/events/event-streams.js';
import { openReplayDatabase } from '../../audit/replay-database.js';
import { digestReadModel } from '../../projections/read-model-digest.js';
import { friendshipsProjection } from './friendships.projection.js';
import { podsProjection } from './pods.projection.js';

/**
 * A third pod receives the events of a pair's two pods in any interleaving of their chains (an
 * acceptance pushed by the accepter before the request pulled from the requester): pods that
 * hold the same events must hold the same membership read models, and the right ones.
 */
const actor = (name: string) => `http://${name}.test/federation/actor`;
const A = actor('a');
const B = actor('b');
const C = actor('c');

function history(): EventEnvelope[] {
  const seqs = new Map<string, number>();
  let clock = Date.parse('2026-11-25T17:00:00.000Z');
  const make = (origin: string, type: string, data: Record<string, unknown>, stream: string): EventEnvelope => {
    const originSeq = (seqs.get(origin) ?? 0) + 1;
    seqs.set(origin, originSeq);
    clock += 7;
    const id = `urn:uuid:${String(clock).padStart(8, '0')}-${originSeq}-${new URL(origin).hostname}`;
    return { id, type, schemaVersion: 1, origin, originSeq, prevHash: null, stream, occurredAt: new Date(clock).toISOString(), data } as EventEnvelope;
  };
  const pair = (x: string, y: string) => friendshipStream(new URL(x).host, new URL(y).host);
  const joined = (x: string) => make(x, 'PodJoined', { actor: x, host: new URL(x).host, name: x, keys: { ed25519Multibase: `z${x}`, rsaPublicKeyPem: 'pem' } }, `pod:${new URL(x).host}`);
  const requested = (x: string, y: string) => make(x, 'FriendshipRequested', { requester: x, target: y }, pair(x, y));
  const accepted = (x: string, y: string) => make(y, 'FriendshipAccepted', { requester: x, accepter: y }, pair(x, y));
  const ended = (x: string, y: string, reason: string) => make(x, 'FriendshipEnded', { peer: y, reason }, pair(x, y));
  return [
    joined(A),
    joined(B),
    joined(C),
    requested(B, A),
    accepted(B, A),
    requested(C, A),
    requested(C, B),
    accepted(C, A),
    accepted(C, B),
    // C quits, then makes friends with A again (and is declined by B, then accepted).
    ended(C, A, 'quit'),
    ended(C, B, 'quit'),
    requested(C, A),
    accepted(C, A),
    requested(C, B),
    ended(B, C, 'declined'),
    requested(C, B),
    accepted(C, B),
    // A drops B: the last word on that pair.
    ended(A, B, 'removed'),
  ];
}

/** A random interleaving of the origins' chains: each origin's events stay in order, nothing else does. */
function interleaving(events: EventEnvelope[], random: () => number): EventEnvelope[] {
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

function seeded(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

async function project(events: EventEnvelope[]) {
  const db = openReplayDatabase();
  for (const projection of [podsProjection, friendshipsProjection]) await db.execute(projection.createTables());
  for (const [index, event] of events.entries()) {
    const stored = { position: index + 1, streamVersion: 1, hash: '', event } as StoredEvent;
    await db.execute([...podsProjection.apply(stored), ...friendshipsProjection.apply(stored)]);
  }
  const digests = { pods: (await digestReadModel(db, podsProjection)).digest, friendships: (await digestReadModel(db, friendshipsProjection)).digest };
  const pods = Object.fromEntries((await db.query<{ actor: string; status: string }>('SELECT actor, status FROM rm_pods')).map((r) => [r.actor, r.status]));
  const friendships = Object.fromEntries(
    (await db.query<Record<string, string | null>>('SELECT * FROM rm_friendships')).map((r) => [r.pair!, { status: r.status, requester: r.requester, accepted: r.accepted_at !== null, endedBy: r.ended_by }]),
  );
  db.close();
  return { digests, pods, friendships };
}

describe('membership read models are a function of the events, not of their order', () => {
  test('in causal order: the statuses the protocol says', async () => {
    const { pods, friendships } = await project(history());
    assert.deepEqual(pods, { [A]: 'active', [B]: 'active', [C]: 'active' });
    assert.deepEqual(friendships, {
      'friendship:a.test+b.test': { status: 'ended', requester: B, accepted: true, endedBy: A },
      'friendship:a.test+c.test': { status: 'accepted', requester: C, accepted: true, endedBy: null },
      'friendship:b.test+c.test': { status: 'accepted', requester: C, accepted: true, endedBy: null },
    });
  });

  test('an acceptance before its request leaves the friendship accepted', async () => {
    const [joinedA, joinedB, , requestBA, acceptBA] = history();
    const { friendships } = await project([joinedA, joinedB, acceptBA, requestBA]);
    assert.equal(friendships['friendship:a.test+b.test'].status, 'accepted');
  });

  test('200 interleavings of the chains give the same digests as the causal order', async () => {
    const events = history();
    const expected = await project(events);
    const random = seeded(42);
    for (let run = 0; run < 200; run++) {
      const order = interleaving(events, random);
      const got = await project(order);
      assert.deepEqual(got, expected, `order: ${order.map((e) => `${new URL(e.origin).hostname}${e.originSeq}`).join(' ')}`);
    }
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EventEnvelope } from '@swarmtube/event-envelope';
import type { StoredEvent } from '@swarmtube/event-store';
import { openReplayDatabase } from '../../audit/replay-database.js';
import { digestReadModel } from '../../projections/read-model-digest.js';
import { friendshipsProjection } from './friendships.projection.js';
import { podsProjection } from './pods.projection.js';
import { statementsFor } from '../../projections/projection.js';
import { actor, describeOrder, eventBuilder, interleaving, seeded } from './projection-spec-support.js';

/**
 * A third pod receives the events of a pair's two pods in any interleaving of their chains (an
 * acceptance pushed by the accepter before the request pulled from the requester): pods that
 * hold the same events must hold the same membership read models, and the right ones.
 */
const A = actor('a');
const B = actor('b');
const C = actor('c');

function history(): EventEnvelope[] {
  const { joined, requested, accepted, ended } = eventBuilder();
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

async function project(events: EventEnvelope[]) {
  const db = openReplayDatabase();
  for (const projection of [podsProjection, friendshipsProjection]) await db.execute(projection.createTables());
  for (const [index, event] of events.entries()) {
    const stored = { position: index + 1, streamVersion: 1, hash: '', event } as StoredEvent;
    await db.execute([...statementsFor(podsProjection, stored), ...statementsFor(friendshipsProjection, stored)]);
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
      assert.deepEqual(got, expected, `order: ${describeOrder(order)}`);
    }
  });
});

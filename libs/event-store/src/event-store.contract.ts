import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalize, hashEvent, sha256Hex } from '@swarmtube/event-envelope';
import type { EventDraft, EventEnvelope } from '@swarmtube/event-envelope';
import { verifyProof } from '@swarmtube/event-envelope';
import { createTestSealer, sealChain, type TestSealer } from '@swarmtube/testing';
import { ConcurrencyError, DuplicateEventError, InvalidStoreInputError, StoreClosedError } from './errors.js';
import type { EventSealer, OpenedEventStore, StoredEvent } from './event-store.port.js';

/**
 * The one contract every event-store adapter passes. An adapter's spec calls it with a
 * harness that opens a store on a fresh, empty database of its own.
 */
export interface EventStoreHarness {
  open(sealer: EventSealer): Promise<OpenedEventStore>;
}

const LOCAL = 'http://localhost:9001/federation/actor';
const PEER = 'http://localhost:9002/federation/actor';

function draft(n: number, extra: Partial<EventDraft> = {}): EventDraft {
  return { type: 'TestHappened', schemaVersion: 1, data: { n }, ...extra };
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function readEverything(store: OpenedEventStore): Promise<StoredEvent[]> {
  return store.readAll({ after: 0, limit: 1_000_000 });
}

/** Positions 1..N with no hole, and each origin's chain intact: what auditors check. */
function assertLogIsSound(events: readonly StoredEvent[]): void {
  assert.deepEqual(events.map((e) => e.position), events.map((_, i) => i + 1));
  const heads = new Map<string, StoredEvent>();
  for (const stored of [...events].sort((a, b) => a.event.originSeq - b.event.originSeq)) {
    assert.equal(sha256Hex(stored.body!), stored.hash, 'hash is the sha-256 of the stored body');
    assert.equal(hashEvent(stored.event), stored.hash, 'the body is the JCS of the event');
    const previous = heads.get(stored.event.origin);
    assert.equal(stored.event.originSeq, (previous?.event.originSeq ?? 0) + 1, `originSeq of ${stored.event.id}`);
    assert.equal(stored.event.prevHash, previous?.hash ?? null, `prevHash of ${stored.event.id}`);
    heads.set(stored.event.origin, stored);
  }
}

export function eventStoreContract(name: string, harness: EventStoreHarness): void {
  async function withStore(run: (store: OpenedEventStore, sealer: TestSealer) => Promise<void>, origin = LOCAL): Promise<void> {
    const sealer = createTestSealer(origin);
    const store = await harness.open(sealer);
    try {
      await run(store, sealer);
    } finally {
      await store.close();
    }
  }

  describe(`event store contract: ${name}`, () => {
    test('append seals, chains and stores each event byte-exact', () =>
      withStore(async (store, sealer) => {
        const before = Date.now();
        const first = await store.append('video:1', [draft(1), draft(2, { id: 'urn:uuid:0190d3b0-0000-7000-8000-000000000001' })], { expectedVersion: 'no-stream' });
        const second = await store.append('video:2', [draft(3, { occurredAt: '2026-01-02T03:04:05.000Z' })], { expectedVersion: 0 });

        assert.equal(first.streamVersion, 2);
        assert.equal(second.streamVersion, 1);
        const [a, b] = first.events;
        const [c] = second.events;
        assert.deepEqual([a.position, b.position, c.position], [1, 2, 3]);
        assert.deepEqual([a.streamVersion, b.streamVersion, c.streamVersion], [1, 2, 1]);
        assert.match(a.event.id, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        assert.equal(b.event.id, 'urn:uuid:0190d3b0-0000-7000-8000-000000000001');
        assert.deepEqual([a.event.originSeq, b.event.originSeq, c.event.originSeq], [1, 2, 3]);
        assert.equal(a.event.prevHash, null);
        assert.equal(b.event.prevHash, a.hash);
        assert.equal(c.event.prevHash, b.hash);
        assert.equal(a.event.origin, LOCAL);
        assert.ok(Date.parse(a.event.occurredAt) >= before - 1000 && Date.parse(a.event.occurredAt) <= Date.now() + 1000);
        assert.equal(c.event.occurredAt, '2026-01-02T03:04:05.000Z');
        for (const stored of [a, b, c]) {
          assert.equal(stored.body, canonicalize(stored.event));
          assert.deepEqual(verifyProof(stored.event, sealer.publicKey), { verified: true });
          assert.equal(stored.event.proof.verificationMethod, `${LOCAL}#ed25519-key`);
        }

        const read = await readEverything(store);
        assert.deepEqual(read, [a, b, c]);
        assertLogIsSound(read);
        assert.equal(await store.headPosition(), 3);
      }));

    test('a stale expected version is refused with ConcurrencyError and appends nothing', () =>
      withStore(async (store) => {
        await store.append('video:1', [draft(1), draft(2)], { expectedVersion: 'no-stream' });
        const head = await store.originHead(LOCAL);

        await assert.rejects(store.append('video:1', [draft(3)], { expectedVersion: 1 }), (error: unknown) => {
          assert.ok(error instanceof ConcurrencyError);
          assert.equal(error.code, 'wrong-expected-version');
          assert.equal(error.expected, 1);
          assert.equal(error.actual, 2);
          return true;
        });
        await assert.rejects(store.append('video:1', [draft(3)], { expectedVersion: 'no-stream' }), ConcurrencyError);
        await assert.rejects(store.append('video:9', [draft(3)], { expectedVersion: 1 }), ConcurrencyError);

        assert.equal((await store.readStream('video:1')).length, 2);
        assert.deepEqual(await store.readStream('video:9'), []);
        assert.equal(await store.headPosition(), 2);
        assert.deepEqual(await store.originHead(LOCAL), head);

        const any = await store.append('video:1', [draft(4)], { expectedVersion: 'any' });
        assert.equal(any.streamVersion, 3);
        const exact = await store.append('video:1', [draft(5)], { expectedVersion: 3 });
        assert.equal(exact.streamVersion, 4);
        const fresh = await store.append('video:new', [draft(6)], { expectedVersion: 'any' });
        assert.equal(fresh.streamVersion, 1);
        assertLogIsSound(await readEverything(store));
      }));

    test('of concurrent appends expecting the same version, exactly one wins', () =>
      withStore(async (store) => {
        await store.append('video:1', [draft(0)], { expectedVersion: 'no-stream' });
        const attempts = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.append('video:1', [draft(i)], { expectedVersion: 1 })));
        assert.equal(attempts.filter((a) => a.status === 'fulfilled').length, 1);
        for (const failed of attempts.filter((a) => a.status === 'rejected')) assert.ok((failed as PromiseRejectedResult).reason instanceof ConcurrencyError);
        assert.equal((await store.readStream('video:1')).length, 2);
        assertLogIsSound(await readEverything(store));
      }));

    test('global positions stay gap-free when appends fail between successes', () =>
      withStore(async (store) => {
        await store.append('s:a', [draft(1, { id: 'urn:uuid:taken' })], { expectedVersion: 'any' });
        const calls = [];
        for (let i = 0; i < 30; i++) {
          if (i % 3 === 0) calls.push(store.append('s:a', [draft(i)], { expectedVersion: 0 }));
          else if (i % 3 === 1) calls.push(store.append(`s:${i}`, [draft(i), draft(i, { id: 'urn:uuid:taken' })], { expectedVersion: 'any' }));
          else calls.push(store.append(`s:${i}`, [draft(i), draft(i + 1)], { expectedVersion: 'no-stream' }));
        }
        const results = await Promise.allSettled(calls);
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 10);
        const events = await readEverything(store);
        assert.equal(events.length, 1 + 10 * 2);
        assertLogIsSound(events);
      }));

    test('readStream returns a stream in order, from a version', () =>
      withStore(async (store) => {
        await store.append('video:1', [draft(1), draft(2)], { expectedVersion: 'no-stream' });
        await store.append('video:2', [draft(3)], { expectedVersion: 'no-stream' });
        await store.append('video:1', [draft(4)], { expectedVersion: 2 });
        const stream = await store.readStream('video:1');
        assert.deepEqual(stream.map((e) => (e.event.data as { n: number }).n), [1, 2, 4]);
        assert.deepEqual(stream.map((e) => e.streamVersion), [1, 2, 3]);
        assert.deepEqual((await store.readStream('video:1', { fromVersion: 2 })).map((e) => e.streamVersion), [2, 3]);
        assert.deepEqual(await store.readStream('video:1', { fromVersion: 4 }), []);
        assert.deepEqual(await store.readStream('nothing'), []);
      }));

    test('readAll pages the log from a position with a limit', () =>
      withStore(async (store) => {
        for (let i = 1; i <= 10; i++) await store.append(`s:${i % 3}`, [draft(i)], { expectedVersion: 'any' });
        assert.deepEqual((await store.readAll({ after: 3, limit: 4 })).map((e) => e.position), [4, 5, 6, 7]);
        assert.deepEqual((await store.readAll({ after: 8, limit: 100 })).map((e) => e.position), [9, 10]);
        assert.deepEqual(await store.readAll({ after: 10, limit: 100 }), []);
        assert.deepEqual((await store.readAll({ after: 0, limit: 1 })).map((e) => (e.event.data as { n: number }).n), [1]);
      }));

    test('readOrigin, originHead and origins follow each origin separately', () =>
      withStore(async (store) => {
        const peer = createTestSealer(PEER);
        assert.equal(await store.originHead(LOCAL), null);
        await store.append('video:1', [draft(1), draft(2)], { expectedVersion: 'any' });
        const foreign = sealChain(peer, [{ stream: 'video:p' }, { stream: 'video:p' }, { stream: 'video:q' }]);
        await store.appendForeign(foreign);
        const last = await store.append('video:1', [draft(3)], { expectedVersion: 'any' });

        const local = await store.readOrigin(LOCAL, { after: 0, limit: 100 });
        assert.deepEqual(local.map((e) => e.event.originSeq), [1, 2, 3]);
        assert.deepEqual(local.map((e) => e.position), [1, 2, 6]);
        assert.deepEqual((await store.readOrigin(PEER, { after: 1, limit: 1 })).map((e) => e.event.id), [foreign[1].id]);
        assert.deepEqual(await store.readOrigin('http://nowhere/actor', { after: 0, limit: 10 }), []);

        assert.deepEqual(await store.originHead(LOCAL), { seq: 3, hash: last.events[0].hash });
        assert.deepEqual(await store.originHead(PEER), { seq: 3, hash: hashEvent(foreign[2]) });
        const origins = (await store.origins()).sort((x, y) => x.origin.localeCompare(y.origin));
        assert.deepEqual(origins, [
          { origin: LOCAL, seq: 3, hash: last.events[0].hash },
          { origin: PEER, seq: 3, hash: hashEvent(foreign[2]) },
        ]);
        assertLogIsSound(await readEverything(store));
      }));

    test('a live subscription sees a burst of 2,000 concurrent appends once each, in log order', () =>
      withStore(async (store) => {
        await store.append('before', [draft(0)], { expectedVersion: 'any' });
        const seen: StoredEvent[] = [];
        const subscription = store.subscribe(0, (batch) => {
          seen.push(...batch);
        }, { batchSize: 128 });
        try {
          const appended = await Promise.all(
            Array.from({ length: 2000 }, (_, i) => store.append(`burst:${i % 50}`, [draft(i)], { expectedVersion: 'any' })),
          );
          await waitFor(() => seen.length >= 2001, 'the subscription to catch up');
          await store.append('after', [draft(1)], { expectedVersion: 'any' });
          await waitFor(() => seen.length >= 2002, 'the event after the burst');

          const log = await readEverything(store);
          assert.equal(seen.length, 2002);
          assert.deepEqual(seen.map((e) => e.event.id), log.map((e) => e.event.id));
          assert.deepEqual(seen.map((e) => e.position), log.map((e, i) => i + 1));
          assert.deepEqual(new Set(appended.map((r) => r.events[0].event.id)), new Set(log.slice(1, 2001).map((e) => e.event.id)));
          assertLogIsSound(log);
        } finally {
          await subscription.close();
        }
      }));

    test('a subscription starts after a position, and a failing handler gets the same batch again', () =>
      withStore(async (store) => {
        for (let i = 1; i <= 5; i++) await store.append('s', [draft(i)], { expectedVersion: 'any' });
        const deliveries: number[][] = [];
        let failures = 0;
        const subscription = store.subscribe(2, (batch) => {
          deliveries.push(batch.map((e) => e.position));
          if (failures++ === 0) throw new Error('projection hiccup');
        }, { batchSize: 2, retryDelayMs: 20 });
        try {
          await waitFor(() => deliveries.length >= 3, 'three deliveries');
          assert.deepEqual(deliveries.slice(0, 3), [[3, 4], [3, 4], [5]]);
        } finally {
          await subscription.close();
        }
        const countAtClose = deliveries.length;
        await store.append('s', [draft(6)], { expectedVersion: 'any' });
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal(deliveries.length, countAtClose, 'a closed subscription delivers nothing more');
      }));

    test('appendForeign is idempotent by id', () =>
      withStore(async (store) => {
        const peer = createTestSealer(PEER);
        const events = sealChain(peer, [{ stream: 'video:p' }, { stream: 'video:p' }]);
        const first = await store.appendForeign(events);
        assert.deepEqual(first, [
          { id: events[0].id, status: 'appended', position: 1 },
          { id: events[1].id, status: 'appended', position: 2 },
        ]);
        const again = await store.appendForeign(structuredClone(events));
        assert.deepEqual(again, [
          { id: events[0].id, status: 'duplicate' },
          { id: events[1].id, status: 'duplicate' },
        ]);
        assert.equal(await store.headPosition(), 2);
        const stored = await readEverything(store);
        assert.deepEqual(stored.map((e) => e.event), events);
        assert.deepEqual(stored.map((e) => e.body), events.map((e) => canonicalize(e)));
        assert.deepEqual(verifyProof(stored[1].event, peer.publicKey), { verified: true });
      }));

    test('appendForeign rejects gaps, broken chains, id and seq conflicts, and malformed events, one by one', () =>
      withStore(async (store) => {
        const peer = createTestSealer(PEER);
        const chain = sealChain(peer, Array.from({ length: 6 }, (_, i) => ({ stream: `video:${i}` })));
        assert.deepEqual((await store.appendForeign(chain.slice(0, 3))).map((o) => o.status), ['appended', 'appended', 'appended']);

        const forkedSeq = sealChain(peer, [{ stream: 'video:x' }, { stream: 'video:x' }])[1];
        const wrongPrev = sealChain(peer, [{ stream: 'video:3' }], { ...chain[2], proof: { ...chain[2].proof, proofValue: 'zforged' } })[0];
        const sameIdOtherContent = sealChain(peer, [{ stream: 'video:1', id: chain[1].id, data: { n: 'changed' } }], chain[0])[0];
        const outcomes = await store.appendForeign([
          chain[4],
          wrongPrev,
          sameIdOtherContent,
          forkedSeq,
          { hello: 'world' } as unknown as EventEnvelope,
          chain[3],
          chain[4],
          chain[5],
        ]);
        assert.deepEqual(outcomes, [
          { id: chain[4].id, status: 'rejected', reason: { code: 'chain-gap', expectedSeq: 4, gotSeq: 5 } },
          { id: wrongPrev.id, status: 'rejected', reason: { code: 'chain-broken', originSeq: 4 } },
          { id: chain[1].id, status: 'rejected', reason: { code: 'id-conflict' } },
          { id: forkedSeq.id, status: 'rejected', reason: { code: 'seq-conflict', originSeq: 2 } },
          { id: '', status: 'rejected', reason: { code: 'malformed', detail: 'id must be a non-empty string' } },
          { id: chain[3].id, status: 'appended', position: 4 },
          { id: chain[4].id, status: 'appended', position: 5 },
          { id: chain[5].id, status: 'appended', position: 6 },
        ]);
        const log = await readEverything(store);
        assert.deepEqual(log.map((e) => e.event.id), chain.map((e) => e.id));
        assertLogIsSound(log);
      }));

    test('a multi-event append is all or nothing: a duplicate id in the middle leaves nothing of the call', () =>
      withStore(async (store) => {
        const existing = await store.append('video:1', [draft(1, { id: 'urn:uuid:existing' })], { expectedVersion: 'any' });
        await assert.rejects(
          store.append('video:2', [draft(2), draft(3, { id: 'urn:uuid:existing' }), draft(4)], { expectedVersion: 'no-stream' }),
          (error: unknown) => error instanceof DuplicateEventError && error.code === 'duplicate-event-id' && error.eventId === 'urn:uuid:existing',
        );
        await assert.rejects(store.append('video:3', [draft(5, { id: 'urn:uuid:twice' }), draft(6, { id: 'urn:uuid:twice' })], { expectedVersion: 'any' }), DuplicateEventError);
        assert.deepEqual(await store.readStream('video:2'), []);
        assert.deepEqual(await store.readStream('video:3'), []);
        assert.equal(await store.headPosition(), 1);
        assert.deepEqual(await store.originHead(LOCAL), { seq: 1, hash: existing.events[0].hash });

        const next = await store.append('video:2', [draft(7), draft(8)], { expectedVersion: 'no-stream' });
        assert.deepEqual(next.events.map((e) => [e.position, e.event.originSeq]), [[2, 2], [3, 3]]);
        assertLogIsSound(await readEverything(store));
      }));

    test('a duplicate draft id is a DuplicateEventError and fails only its own call in a group commit', () =>
      withStore(async (store) => {
        await store.append('video:1', [draft(1, { id: 'urn:uuid:once' })], { expectedVersion: 'any' });
        const results = await Promise.allSettled([
          store.append('video:2', [draft(2)], { expectedVersion: 'any' }),
          store.append('video:3', [draft(3, { id: 'urn:uuid:once' })], { expectedVersion: 'any' }),
          store.append('video:4', [draft(4)], { expectedVersion: 'any' }),
        ]);
        assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
        assert.ok((results[1] as PromiseRejectedResult).reason instanceof DuplicateEventError);
        assertLogIsSound(await readEverything(store));
        assert.equal(await store.headPosition(), 3);
      }));

    test('a call whose insert the database refuses fails alone, the rest of its group commit goes in', () =>
      withStore(async (store) => {
        // A real trigger stands for any failure only the database can see (disk, constraint, another writer).
        await store.readModels.execute(
          store.dialect === 'sqlite'
            ? [{ sql: "CREATE TRIGGER poison_guard BEFORE INSERT ON events WHEN NEW.body LIKE '%poison%' BEGIN SELECT RAISE(ABORT, 'poisoned event'); END" }]
            : [
                { sql: "CREATE FUNCTION poison_guard() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN IF NEW.body LIKE '%poison%' THEN RAISE EXCEPTION 'poisoned event'; END IF; RETURN NEW; END $f$" },
                { sql: 'CREATE TRIGGER poison_guard BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION poison_guard()' },
              ],
        );
        await store.append('warm-up', [draft(0)], { expectedVersion: 'any' });
        const before = store.stats();
        const results = await Promise.allSettled(
          Array.from({ length: 9 }, (_, i) =>
            store.append(`p:${i}`, i === 4 ? [draft(i), { type: 'T', schemaVersion: 1, data: 'poison' }] : [draft(i)], { expectedVersion: 'no-stream' }),
          ),
        );
        assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
        assert.match(String((results[4] as PromiseRejectedResult).reason), /poisoned event/);
        assert.deepEqual(await store.readStream('p:4'), []);
        assert.equal(store.stats().writes - before.writes, 8);
        const log = await readEverything(store);
        assert.equal(log.length, 9);
        assertLogIsSound(log);
      }));

    test('group commit: 100 concurrent appends commit in far fewer transactions, each durable when it resolves', () =>
      withStore(async (store) => {
        await store.append('warm-up', [draft(0)], { expectedVersion: 'any' });
        const before = store.stats();
        const results = await Promise.all(Array.from({ length: 100 }, (_, i) => store.append(`gc:${i}`, [draft(i)], { expectedVersion: 'no-stream' })));
        const after = store.stats();
        assert.equal(after.writes - before.writes, 100);
        assert.equal(after.events - before.events, 100);
        assert.ok(after.commits - before.commits <= 10, `100 appends took ${after.commits - before.commits} commits`);
        const log = await readEverything(store);
        for (const result of results) assert.equal(log[result.events[0].position - 1].event.id, result.events[0].event.id);
      }));

    test('bad input gets a typed error and changes nothing', () =>
      withStore(async (store) => {
        const refused = async (attempt: Promise<unknown>) =>
          assert.rejects(attempt, (error: unknown) => error instanceof InvalidStoreInputError && error.code === 'store-invalid-input');
        await refused(store.append('', [draft(1)], { expectedVersion: 'any' }));
        await refused(store.append('s', [{ type: '', schemaVersion: 1, data: {} }], { expectedVersion: 'any' }));
        await refused(store.append('s', [{ type: 'T', schemaVersion: 0, data: {} }], { expectedVersion: 'any' }));
        await refused(store.append('s', [{ type: 'T', schemaVersion: 1 } as EventDraft], { expectedVersion: 'any' }));
        await refused(store.append('s', [draft(1, { occurredAt: 'yesterday' })], { expectedVersion: 'any' }));
        await refused(store.append('s', [draft(1), { type: 'T', schemaVersion: 1, data: { bad: Number.NaN } }], { expectedVersion: 'any' }));
        await refused(store.append('s', 'nope' as unknown as EventDraft[], { expectedVersion: 'any' }));
        await refused(store.append('s', [draft(1)], { expectedVersion: -1 }));
        await refused(store.append('s', [draft(1)], { expectedVersion: 'latest' as unknown as number }));
        await refused(store.readAll({ after: -1, limit: 10 }));
        await refused(store.readAll({ after: 0, limit: 0 }));
        await refused(store.readStream('s', { fromVersion: 0 }));
        await refused(store.appendForeign('nope' as unknown as EventEnvelope[]));
        assert.equal(await store.headPosition(), 0);
        assert.equal(await store.originHead(LOCAL), null);
      }));

    test('read models run on the same database, each execute all or nothing', () =>
      withStore(async (store) => {
        const db = store.readModels;
        assert.equal(db.dialect, store.dialect);
        await db.execute([{ sql: 'CREATE TABLE rm_videos (id TEXT PRIMARY KEY, name TEXT NOT NULL, views INTEGER NOT NULL)' }]);
        await db.execute([
          { sql: 'INSERT INTO rm_videos (id, name, views) VALUES ($1, $2, $3)', params: ['a', 'Alpha', 1] },
          { sql: 'INSERT INTO rm_videos (id, name, views) VALUES ($1, $2, $3)', params: ['b', 'Beta', 2] },
        ]);
        await assert.rejects(
          db.execute([
            { sql: 'UPDATE rm_videos SET views = views + $1 WHERE id = $2', params: [10, 'a'] },
            { sql: 'INSERT INTO rm_videos (id, name, views) VALUES ($1, $2, $3)', params: ['b', 'Again', 3] },
          ]),
        );
        const rows = await db.query<{ id: string; name: string; views: number }>('SELECT id, name, views FROM rm_videos WHERE views >= $1 ORDER BY id', [1]);
        assert.deepEqual(rows.map((r) => [r.id, r.name, Number(r.views)]), [['a', 'Alpha', 1], ['b', 'Beta', 2]]);
        const reused = await db.query<{ id: string }>('SELECT id FROM rm_videos WHERE views = $2 OR views = $2 + $1 ORDER BY id', [1, 1]);
        assert.deepEqual(reused.map((r) => r.id), ['a', 'b']);
        assert.deepEqual(await db.query("SELECT '$1' AS literal"), [{ literal: '$1' }]);
      }));

    test('a closed store refuses work with StoreClosedError', async () => {
      const store = await harness.open(createTestSealer(LOCAL));
      await store.append('s', [draft(1)], { expectedVersion: 'any' });
      await store.close();
      await assert.rejects(store.append('s', [draft(2)], { expectedVersion: 'any' }), StoreClosedError);
      await assert.rejects(store.readAll({ after: 0, limit: 1 }), StoreClosedError);
      await assert.rejects(store.readModels.query('SELECT 1'), StoreClosedError);
      await store.close();
    });

    test('close waits for appends already accepted', async () => {
      const store = await harness.open(createTestSealer(LOCAL));
      const pending = Array.from({ length: 20 }, (_, i) => store.append(`s:${i}`, [draft(i)], { expectedVersion: 'any' }));
      await store.close();
      const results = await Promise.all(pending);
      assert.equal(results.length, 20);
    });
  });
}

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { createTestSealer } from '@swarmtube/testing';
import { ConcurrencyError, StoreConfigError, StoreUnavailableError } from '../errors.js';
import { eventStoreContract } from '../event-store.contract.js';
import type { StoredEvent } from '../event-store.port.js';
import { openEventStore } from '../index.js';
import { openPostgresEventStore } from './postgres-event-store.js';

const URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schemas: string[] = [];
let counter = 0;
function freshSchema(): string {
  const schema = `es_test_${process.pid}_${Date.now().toString(36)}_${++counter}`;
  schemas.push(schema);
  return schema;
}

after(async () => {
  const client = new pg.Client({ connectionString: URL });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
});

eventStoreContract('postgres', { open: (sealer) => openPostgresEventStore({ url: URL, schema: freshSchema(), sealer }) });

const ORIGIN = 'http://localhost:9001/federation/actor';
const draft = (n: number) => ({ type: 'TestHappened', schemaVersion: 1, data: { n } });

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('postgres event store: several processes on one database', () => {
  test('two stores on one schema interleave into one gap-free log and one intact chain', async () => {
    const schema = freshSchema();
    const sealer = createTestSealer(ORIGIN);
    const a = await openPostgresEventStore({ url: URL, schema, sealer });
    const b = await openPostgresEventStore({ url: URL, schema, sealer });
    try {
      await Promise.all(
        Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? a : b).append(`s:${i % 5}`, [draft(i)], { expectedVersion: 'any' })),
      );
      const log = await a.readAll({ after: 0, limit: 1000 });
      assert.deepEqual(log.map((e) => e.position), log.map((_, i) => i + 1));
      assert.deepEqual(log.map((e) => e.event.originSeq), log.map((_, i) => i + 1));
      for (let i = 1; i < log.length; i++) assert.equal(log[i].event.prevHash, log[i - 1].hash);
      for (let s = 0; s < 5; s++) {
        const stream = await b.readStream(`s:${s}`);
        assert.deepEqual(stream.map((e) => e.streamVersion), stream.map((_, i) => i + 1));
      }
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('a writer notices what another process wrote before planning on its own last known state', async () => {
    const schema = freshSchema();
    const sealer = createTestSealer(ORIGIN);
    const a = await openPostgresEventStore({ url: URL, schema, sealer });
    const b = await openPostgresEventStore({ url: URL, schema, sealer });
    try {
      await a.append('video:1', [draft(1)], { expectedVersion: 'no-stream' });
      await b.append('video:1', [draft(2)], { expectedVersion: 1 });
      await assert.rejects(a.append('video:1', [draft(3)], { expectedVersion: 1 }), ConcurrencyError);
      const third = await a.append('video:1', [draft(3)], { expectedVersion: 2 });
      assert.deepEqual([third.events[0].position, third.events[0].streamVersion, third.events[0].event.originSeq], [3, 3, 3]);
      const log = await b.readAll({ after: 0, limit: 10 });
      assert.equal(third.events[0].event.prevHash, log[1].hash);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test("a subscription is woken by another process's commits through NOTIFY, not by polling", async () => {
    const schema = freshSchema();
    const writer = await openPostgresEventStore({ url: URL, schema, sealer: createTestSealer(ORIGIN) });
    const reader = await openPostgresEventStore({ url: URL, schema, sealer: createTestSealer(ORIGIN), pollIntervalMs: 600_000 });
    const seen: StoredEvent[] = [];
    const subscription = reader.subscribe(0, (batch) => {
      seen.push(...batch);
    });
    try {
      // Let the subscription read the empty log and go to sleep before anything is written.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const appended = await Promise.all(Array.from({ length: 500 }, (_, i) => writer.append(`s:${i % 9}`, [draft(i)], { expectedVersion: 'any' })));
      await waitFor(() => seen.length >= 500, 'the reader to see the writer’s events');
      assert.deepEqual(seen.map((e) => e.position), appended.map((_, i) => i + 1));
      assert.deepEqual(new Set(seen.map((e) => e.event.id)), new Set(appended.map((r) => r.events[0].event.id)));
    } finally {
      await subscription.close();
      await reader.close();
      await writer.close();
    }
  });

  test('schemas isolate logs from each other', async () => {
    const one = await openEventStore({ database: URL, dataDir: '/nonexistent', schema: freshSchema(), sealer: createTestSealer(ORIGIN) });
    const two = await openEventStore({ database: URL, dataDir: '/nonexistent', schema: freshSchema(), sealer: createTestSealer(ORIGIN) });
    try {
      await one.append('s', [draft(1)], { expectedVersion: 'any' });
      assert.equal(await one.headPosition(), 1);
      assert.equal(await two.headPosition(), 0);
      assert.equal(one.dialect, 'postgres');
    } finally {
      await one.close();
      await two.close();
    }
  });

  test('a bad schema name or an unreachable server is a typed error', async () => {
    await assert.rejects(openPostgresEventStore({ url: URL, schema: 'x; DROP TABLE y', sealer: createTestSealer(ORIGIN) }), StoreConfigError);
    await assert.rejects(
      openPostgresEventStore({ url: 'postgres://postgres@127.0.0.1:1/test', schema: 'whatever', sealer: createTestSealer(ORIGIN) }),
      (error: unknown) => error instanceof StoreUnavailableError && error.code === 'store-unavailable',
    );
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { sha256Hex } from '@swarmtube/event-envelope';
import { verifyProof } from '@swarmtube/event-envelope';
import { createTestSealer } from '@swarmtube/testing';
import { CorruptStoreError, StoreConfigError } from '../errors.js';
import { eventStoreContract } from '../event-store.contract.js';
import { openEventStore, SQLITE_FILE_NAME } from '../index.js';
import { openSqliteEventStore } from './sqlite-event-store.js';

const root = mkdtempSync(join(tmpdir(), 'swarmtube-sqlite-store-'));
let counter = 0;
const freshPath = () => join(root, `log-${++counter}.sqlite`);
after(() => rmSync(root, { recursive: true, force: true }));

eventStoreContract('sqlite', { open: (sealer) => openSqliteEventStore({ path: freshPath(), sealer }) });

const ORIGIN = 'http://localhost:9001/federation/actor';
const draft = (n: number) => ({ type: 'TestHappened', schemaVersion: 1, data: { n, note: `payload number ${n}` } });

async function fileWithEvents(count: number): Promise<string> {
  const path = freshPath();
  const store = await openSqliteEventStore({ path, sealer: createTestSealer(ORIGIN) });
  for (let i = 0; i < count; i++) await store.append(`s:${i % 7}`, [draft(i)], { expectedVersion: 'any' });
  await store.close();
  return path;
}

describe('sqlite event store: the file', () => {
  test('a truncated file is refused with CorruptStoreError', async () => {
    const path = await fileWithEvents(300);
    truncateSync(path, Math.floor(readFileSync(path).length / 2));
    await assert.rejects(openSqliteEventStore({ path, sealer: createTestSealer(ORIGIN) }), (error: unknown) => {
      assert.ok(error instanceof CorruptStoreError);
      assert.equal(error.code, 'store-corrupt');
      assert.ok(error.message.includes(path), error.message);
      return true;
    });
  });

  test('a file that is not a database is refused with CorruptStoreError', async () => {
    const path = freshPath();
    writeFileSync(path, 'these are holiday photos, not an event log\n'.repeat(500));
    await assert.rejects(openSqliteEventStore({ path, sealer: createTestSealer(ORIGIN) }), (error: unknown) => {
      assert.ok(error instanceof CorruptStoreError);
      assert.match(error.message, /not a usable SQLite database/);
      return true;
    });
    assert.equal(readFileSync(path, 'utf8').slice(0, 10), 'these are ', 'the file is left as it was');
  });

  test('one byte changed in a stored body reaches readers as-is, so an audit sees it', async () => {
    const sealer = createTestSealer(ORIGIN);
    const path = freshPath();
    let store = await openSqliteEventStore({ path, sealer });
    await store.append('video:1', [{ type: 'VideoPublished', schemaVersion: 1, data: { name: 'tamper-me-please' } }], { expectedVersion: 'any' });
    const [original] = await store.readAll({ after: 0, limit: 1 });
    await store.close();

    const bytes = readFileSync(path);
    const at = bytes.indexOf('tamper-me-please');
    assert.ok(at > 0 && bytes.indexOf('tamper-me-please', at + 1) === -1, 'the body is stored once, in the main file');
    bytes[at] = 'T'.charCodeAt(0);
    writeFileSync(path, bytes);

    store = await openSqliteEventStore({ path, sealer });
    try {
      const [read] = await store.readAll({ after: 0, limit: 1 });
      assert.equal(read.body, original.body!.replace('tamper-me-please', 'Tamper-me-please'));
      assert.equal((read.event.data as { name: string }).name, 'Tamper-me-please');
      assert.equal(read.hash, original.hash, 'the stored hash is what was written');
      assert.notEqual(sha256Hex(read.body!), read.hash);
      assert.deepEqual(verifyProof(read.event, sealer.publicKey), { verified: false, reason: { type: 'invalidSignature' } });
    } finally {
      await store.close();
    }
  });

  test('a reopened file keeps its events and continues the chain', async () => {
    const sealer = createTestSealer(ORIGIN);
    const path = freshPath();
    let store = await openSqliteEventStore({ path, sealer });
    const first = await store.append('video:1', [draft(1), draft(2)], { expectedVersion: 'no-stream' });
    await store.close();
    store = await openSqliteEventStore({ path, sealer });
    try {
      const next = await store.append('video:1', [draft(3)], { expectedVersion: 2 });
      assert.equal(next.events[0].position, 3);
      assert.equal(next.events[0].event.originSeq, 3);
      assert.equal(next.events[0].event.prevHash, first.events[1].hash);
    } finally {
      await store.close();
    }
  });

  test('synchronous is FULL unless asked otherwise', async () => {
    const full = await openSqliteEventStore({ path: freshPath(), sealer: createTestSealer(ORIGIN) });
    const normal = await openSqliteEventStore({ path: freshPath(), sealer: createTestSealer(ORIGIN), synchronous: 'NORMAL' });
    try {
      assert.deepEqual(await full.readModels.query('PRAGMA synchronous'), [{ synchronous: 2 }]);
      assert.deepEqual(await normal.readModels.query('PRAGMA synchronous'), [{ synchronous: 1 }]);
      assert.deepEqual(await full.readModels.query('PRAGMA journal_mode'), [{ journal_mode: 'wal' }]);
      // Read-model transactions commit without fsync, then the log's setting is back, even after a failed one.
      await full.readModels.execute([{ sql: 'CREATE TABLE rm_probe (x INTEGER)' }, { sql: 'INSERT INTO rm_probe VALUES ($1)', params: [1] }]);
      await assert.rejects(full.readModels.execute([{ sql: 'INSERT INTO no_such_table VALUES (1)' }]));
      assert.deepEqual(await full.readModels.query('PRAGMA synchronous'), [{ synchronous: 2 }]);
      await normal.readModels.execute([{ sql: 'CREATE TABLE rm_probe (x INTEGER)' }]);
      assert.deepEqual(await normal.readModels.query('PRAGMA synchronous'), [{ synchronous: 1 }]);
    } finally {
      await full.close();
      await normal.close();
    }
  });

  test('openEventStore puts the file in the data folder and refuses an unknown database', async () => {
    const dataDir = join(root, 'pod-data', 'nested');
    const store = await openEventStore({ database: 'sqlite', dataDir, sealer: createTestSealer(ORIGIN) });
    await store.append('s', [draft(1)], { expectedVersion: 'any' });
    await store.close();
    assert.ok(readFileSync(join(dataDir, SQLITE_FILE_NAME)).length > 0);
    await assert.rejects(openEventStore({ database: 'mongodb://x', dataDir, sealer: createTestSealer(ORIGIN) }), StoreConfigError);
  });
});

import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openEventStore, type OpenedEventStore } from '@swarmtube/event-store';
import { dropSchema, tempDir, TEST_POSTGRES_URL, uniqueSchema } from '@swarmtube/testing';
import { createTestSealer } from '@swarmtube/testing';
import { startTestPod } from '../testing/test-pod.js';
import { LocalAccounts } from '../users/local-accounts.js';
import { VideoJobs } from '../videos/processing/video-jobs.js';
import { checksumOf, migrate, MigrationFailedError, MigrationRefusedError } from './migrate.js';
import { MIGRATIONS } from './migrations.js';

/**
 * The local-state tables exactly as the pod made them before migrations existed (helper/redesign
 * e0fc08d: local-accounts.ts, video-jobs.ts, delivery-tables.ts, health-monitor.ts), with the
 * jobs table of that time (no plan, no file_path).
 */
const LEGACY_TABLES = [
  `CREATE TABLE IF NOT EXISTS local_accounts (
    username TEXT PRIMARY KEY, role TEXT NOT NULL, password_salt TEXT NOT NULL, password_hash TEXT NOT NULL, created_at TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS local_tokens (
    token_hash TEXT PRIMARY KEY, username TEXT NOT NULL, expires_at TEXT NOT NULL, created_at TEXT NOT NULL)`,
  'CREATE TABLE IF NOT EXISTS local_retired_usernames (username TEXT PRIMARY KEY, retired_at TEXT NOT NULL)',
  `CREATE TABLE IF NOT EXISTS local_video_jobs (
    uuid TEXT PRIMARY KEY, owner TEXT NOT NULL, state TEXT NOT NULL, progress DOUBLE PRECISION NOT NULL,
    step TEXT NOT NULL, error_code TEXT, error_message TEXT, name TEXT NOT NULL, description TEXT NOT NULL,
    tags TEXT NOT NULL, source_path TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`,
  'CREATE INDEX IF NOT EXISTS local_video_jobs_state ON local_video_jobs (state)',
  `CREATE TABLE IF NOT EXISTS fed_deliveries (
    actor TEXT PRIMARY KEY, acked_seq BIGINT NOT NULL, failures INTEGER NOT NULL,
    next_attempt_at BIGINT NOT NULL, last_success_at TEXT, last_error TEXT)`,
  `CREATE TABLE IF NOT EXISTS pod_health (
    actor TEXT PRIMARY KEY, score INTEGER NOT NULL, failures_in_row INTEGER NOT NULL,
    successes BIGINT NOT NULL, failures BIGINT NOT NULL,
    last_seen_at TEXT, last_failure_at TEXT, last_error TEXT)`,
];
const JOB_UUID = '0b6f6e4e-6a4b-4c39-9f5e-4d3c2b1a0f9e';
const PEER = 'http://peer.example/federation/actor';

for (const database of ['sqlite', 'postgres'] as const) {
  describe(`migrations on ${database}`, () => {
    const cleanups: Array<() => unknown> = [];
    after(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });

    function place(): { dataDir: string; schema: string } {
      const dir = tempDir('swarmtube-migrations-');
      const schema = database === 'postgres' ? uniqueSchema('mig') : 'public';
      cleanups.push(() => dir.remove());
      if (database === 'postgres') cleanups.push(() => dropSchema(schema));
      return { dataDir: dir.path, schema };
    }

    const openRaw = ({ dataDir, schema }: { dataDir: string; schema: string }): Promise<OpenedEventStore> =>
      openEventStore({ database: database === 'sqlite' ? 'sqlite' : TEST_POSTGRES_URL, dataDir, schema, sealer: createTestSealer() });

    const startOn = (where: { dataDir: string; schema: string }, env: NodeJS.ProcessEnv = {}) =>
      startTestPod({ database, dataDir: where.dataDir, schema: where.schema, env });

    test('data written before migrations is adopted: accounts, tokens, jobs, cursors and scores kept, the pod works', async () => {
      const where = place();
      const raw = await openRaw(where);
      await raw.readModels.execute(LEGACY_TABLES.map((sql) => ({ sql })));
      const legacyAccounts = new LocalAccounts(raw.readModels);
      await legacyAccounts.setPassword('root', 'legacy-root-password');
      assert.notEqual(await legacyAccounts.createAccount({ username: 'alice', password: 'alice-password', role: 'user' }), 'taken');
      const aliceToken = (await legacyAccounts.issueToken('alice', 'alice-password'))!.access_token;
      await raw.readModels.execute([
        {
          sql: `INSERT INTO local_video_jobs (uuid, owner, state, progress, step, error_code, error_message, name, description, tags, source_path, created_at, updated_at)
                VALUES ($1, 'alice', 'failed', 0.5, 'failed', 'processing-failed', 'ffmpeg died', 'Old job', '', '["a"]', NULL, '2026-12-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z')`,
          params: [JOB_UUID],
        },
        { sql: `INSERT INTO fed_deliveries (actor, acked_seq, failures, next_attempt_at, last_success_at, last_error) VALUES ($1, 41, 0, 0, '2026-12-01T00:00:00.000Z', NULL)`, params: [PEER] },
        { sql: `INSERT INTO pod_health (actor, score, failures_in_row, successes, failures, last_seen_at) VALUES ($1, 7, 3, 10, 3, '2026-12-01T00:00:00.000Z')`, params: [PEER] },
      ]);
      await raw.close();
      // The generated root password of that time, in clear beside the data.
      writeFileSync(join(where.dataDir, 'admin-password'), 'legacy-root-password\n', { mode: 0o600 });

      const pod = await startOn(where, { SWARMTUBE_ADMIN_PASSWORD: '' });
      try {
        const records = await pod.store.readModels.query<{ version: number | string; name: string; checksum: string }>('SELECT version, name, checksum FROM schema_migrations ORDER BY version');
        assert.deepEqual(
          records.map((r) => [Number(r.version), r.name, r.checksum]),
          MIGRATIONS.map((m) => [m.version, m.name, checksumOf(m)]),
        );
        const accounts = pod.get(LocalAccounts);
        assert.ok(await accounts.sessionFor(aliceToken), "alice's token still works");
        assert.ok(await accounts.issueToken('root', 'legacy-root-password'), 'root keeps the password it had');
        assert.equal(existsSync(join(where.dataDir, 'admin-password')), false, 'the clear-text password file is gone');
        const job = await pod.get(VideoJobs).get(JOB_UUID);
        assert.equal(job?.state, 'failed');
        assert.equal(job?.errorMessage, 'ffmpeg died');
        const [columns] = await pod.store.readModels.query<{ plan: unknown; file_path: unknown }>('SELECT plan, file_path FROM local_video_jobs WHERE uuid = $1', [JOB_UUID]);
        assert.deepEqual({ ...columns }, { plan: null, file_path: null }, 'migration 2 added the columns');
        const [health] = await pod.store.readModels.query<{ score: number | string }>('SELECT score FROM pod_health WHERE actor = $1', [PEER]);
        assert.equal(Number(health!.score), 7);
        const [cursor] = await pod.store.readModels.query<{ acked_seq: number | string }>('SELECT acked_seq FROM fed_deliveries WHERE actor = $1', [PEER]);
        assert.equal(Number(cursor!.acked_seq), 41);
        assert.ok((await pod.store.headPosition()) > 0, 'the pod announced itself');
      } finally {
        await pod.destroy();
      }
      // A second start applies nothing and refuses nothing.
      const again = await startOn(where, { SWARMTUBE_ADMIN_PASSWORD: '' });
      await again.destroy();
    });

    test('a database where the jobs already had plan and file_path (the column-check version) is adopted too', async () => {
      const where = place();
      const raw = await openRaw(where);
      await raw.readModels.execute([...LEGACY_TABLES, 'ALTER TABLE local_video_jobs ADD COLUMN plan TEXT', 'ALTER TABLE local_video_jobs ADD COLUMN file_path TEXT'].map((sql) => ({ sql })));
      const result = await migrate(raw.readModels);
      assert.deepEqual(result, { from: 0, to: 3, applied: [1, 2, 3] });
      await raw.close();
    });

    test('data newer than the code is refused at start with both versions named, and nothing changes', async () => {
      const where = place();
      const first = await startOn(where);
      await first.store.readModels.execute([
        { sql: `INSERT INTO schema_migrations (version, name, applied_at, checksum) VALUES (4, 'from a newer swarmtube', '2027-01-01T00:00:00.000Z', 'x')` },
      ]);
      const head = await first.store.headPosition();
      await first.stop();
      await assert.rejects(startOn(where), (error: unknown) => {
        assert.ok(error instanceof MigrationRefusedError, String(error));
        assert.match(error.message, /schema version 4 \("from a newer swarmtube"/);
        assert.match(error.message, /knows versions up to 3/);
        return true;
      });
      // The refused start released the data: a look shows it untouched.
      const raw = await openRaw(where);
      try {
        assert.equal(await raw.headPosition(), head);
        const versions = await raw.readModels.query<{ version: number | string }>('SELECT version FROM schema_migrations ORDER BY version');
        assert.deepEqual(versions.map((v) => Number(v.version)), [1, 2, 3, 4]);
      } finally {
        await raw.close();
      }
    });

    test('a second pod on the same data is refused while the first runs, and starts once it stopped', async () => {
      const where = place();
      const first = await startOn(where);
      try {
        await assert.rejects(startOn(where), (error: unknown) => {
          assert.equal((error as { code?: string }).code, 'data-in-use');
          assert.match((error as Error).message, database === 'sqlite' ? /in use by a running pod \(PID \d+/ : /in use by swarmtube pod \(PID \d+\)/);
          return true;
        });
      } finally {
        await first.stop();
      }
      const second = await startOn(where);
      await second.stop();
    });

    test('a recorded migration whose text differs from the code is refused', async () => {
      const where = place();
      const raw = await openRaw(where);
      try {
        await migrate(raw.readModels);
        await raw.readModels.execute([{ sql: `UPDATE schema_migrations SET checksum = 'edited' WHERE version = 2` }]);
        await assert.rejects(migrate(raw.readModels), (error: unknown) => error instanceof MigrationRefusedError && /migration 2 .* differs/.test(error.message));
      } finally {
        await raw.close();
      }
    });

    test('a failing migration leaves nothing half-applied: its statements roll back, the version stays', async () => {
      const where = place();
      const raw = await openRaw(where);
      try {
        await migrate(raw.readModels);
        const broken = [...MIGRATIONS, { version: 4, name: 'half', sql: ['CREATE TABLE local_half_done (x TEXT)', 'ALTER TABLE local_no_such_table ADD COLUMN y TEXT'] }];
        await assert.rejects(migrate(raw.readModels, broken), (error: unknown) => {
          assert.ok(error instanceof MigrationFailedError, String(error));
          assert.match(error.message, /migration 4 \("half"\) failed and was rolled back \(data stays at version 3\)/);
          return true;
        });
        const tables =
          database === 'sqlite'
            ? await raw.readModels.query(`SELECT name FROM sqlite_master WHERE name = 'local_half_done'`)
            : await raw.readModels.query(`SELECT table_name FROM information_schema.tables WHERE table_name = 'local_half_done' AND table_schema = current_schema()`);
        assert.deepEqual(tables, [], 'the first statement was rolled back');
        const versions = await raw.readModels.query<{ version: number | string }>('SELECT version FROM schema_migrations ORDER BY version');
        assert.deepEqual(versions.map((v) => Number(v.version)), [1, 2, 3]);
        // Fixed, it applies.
        const fixed = [...MIGRATIONS, { version: 4, name: 'half', sql: ['CREATE TABLE local_half_done (x TEXT)'] }];
        assert.deepEqual((await migrate(raw.readModels, fixed)).applied, [4]);
      } finally {
        await raw.close();
      }
    });
  });
}

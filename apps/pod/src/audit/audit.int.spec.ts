import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { videoDeletedDraft, videoPublishedDraft, videoUpdatedDraft } from '@swarmtube/testing';
import { TEST_POSTGRES_URL, tempDir, withPostgres } from '@swarmtube/testing';
import { startTestPod, type TestDatabase, type TestPod } from '../testing/test-pod.js';
import { auditLog } from './audit.js';
import { openAuditSource } from './audit-source.js';
import { EventLog } from '../event-log/event-log.js';
import { ProjectionRunner } from '../projections/projection-runner.js';

const AUDIT_CLI = join(fileURLToPath(new URL('.', import.meta.url)), 'audit.cli.js');

/** A pod with a little history: published, updated and deleted videos. */
async function podWithHistory(database: TestDatabase, http = false): Promise<TestPod> {
  const pod = await startTestPod({ database, http });
  const uuids: string[] = [];
  for (let i = 0; i < 12; i++) {
    const { stream, draft } = videoPublishedDraft({ host: pod.config.host });
    uuids.push((draft.data as { uuid: string }).uuid);
    await pod.get(EventLog).append(stream, [draft], { expectedVersion: 'no-stream' });
  }
  await pod.get(EventLog).append(`video:${uuids[0]}`, [videoUpdatedDraft(uuids[0], { name: 'Renamed video', tags: ['renamed'] })], { expectedVersion: 1 });
  await pod.get(EventLog).append(`video:${uuids[1]}`, [videoDeletedDraft(uuids[1])], { expectedVersion: 1 });
  await pod.get(ProjectionRunner).waitFor(await pod.store.headPosition());
  return pod;
}

function auditTarget(pod: TestPod): { target: string; schema?: string } {
  return pod.config.database === 'sqlite' ? { target: pod.config.dataDir } : { target: TEST_POSTGRES_URL, schema: pod.config.databaseSchema };
}

async function audit(pod: TestPod) {
  const { target, schema } = auditTarget(pod);
  const source = await openAuditSource(target, { schema });
  try {
    return await auditLog(source);
  } finally {
    await source.close();
  }
}

/** Rewrites one stored event's body with one byte changed, behind the store's back. */
async function changeOneByte(pod: TestPod, position: number, from: string, to: string): Promise<void> {
  if (pod.config.database === 'sqlite') {
    const db = new Database(join(pod.config.dataDir, 'events.sqlite'));
    const { body } = db.prepare('SELECT body FROM events WHERE position = ?').get(position) as { body: string };
    assert.ok(body.includes(from));
    db.prepare('UPDATE events SET body = ? WHERE position = ?').run(body.replace(from, to), position);
    db.close();
  } else {
    await withPostgres(pod.config.databaseSchema, async (client) => {
      const { rows } = await client.query('SELECT body FROM events WHERE position = $1', [position]);
      assert.ok(rows[0].body.includes(from));
      await client.query('UPDATE events SET body = $1 WHERE position = $2', [rows[0].body.replace(from, to), position]);
    });
  }
}

async function sql(pod: TestPod, statement: string): Promise<void> {
  if (pod.config.database === 'sqlite') {
    const db = new Database(join(pod.config.dataDir, 'events.sqlite'));
    db.exec(statement);
    db.close();
  } else {
    await withPostgres(pod.config.databaseSchema, (client) => client.query(statement).then(() => undefined));
  }
}

for (const database of ['sqlite', 'postgres'] as const) {
  describe(`audit of a pod's log on ${database}`, () => {
    const pods: TestPod[] = [];
    after(() => Promise.all(pods.map((p) => p.destroy())));
    const pod = async () => {
      const p = await podWithHistory(database);
      pods.push(p);
      return p;
    };

    test('a sound log verifies, and the replayed read models match the live ones', async () => {
      const report = await audit(await pod());
      assert.equal(report.firstFailure, null);
      assert.equal(report.events, 15);
      assert.equal(report.origins, 1);
      assert.deepEqual(report.readModels.map((m) => [m.projection, m.matches, m.rows]), [
        ['pods', true, 1],
        ['friendships', true, 0],
        ['videos', true, 22], // 11 videos and their 11 rows in the search index
        ['mirrors', true, 0],
      ]);
      assert.equal(report.ok, true);
    });

    test('changing one byte of one stored event is caught and the event is named', async () => {
      const p = await pod();
      const [victim] = await p.store.readAll({ after: 6, limit: 1 });
      await changeOneByte(p, 7, 'A video made by the test suite.', 'A video made by the test suitE.');
      const report = await audit(p);
      assert.equal(report.ok, false);
      assert.equal(report.firstFailure?.position, 7);
      assert.equal(report.firstFailure?.id, victim.event.id);
      assert.equal(report.firstFailure?.code, 'bad-proof');
    });

    test('a stored event whose bytes are no longer canonical is caught', async () => {
      const p = await pod();
      await changeOneByte(p, 3, '{"data":{', '{"data" :{');
      const report = await audit(p);
      assert.equal(report.firstFailure?.position, 3);
      assert.equal(report.firstFailure?.code, 'not-canonical');
    });

    test('a deleted event breaks the chain at the next one', async () => {
      const p = await pod();
      await sql(p, 'DELETE FROM events WHERE position = 5');
      const report = await audit(p);
      assert.equal(report.firstFailure?.position, 6);
      assert.equal(report.firstFailure?.code, 'chain-gap');
    });

    test('a read model changed behind the projections differs from the replay', async () => {
      const p = await pod();
      await sql(p, `UPDATE rm_videos SET name = 'Tampered' WHERE name = 'Renamed video'`);
      const report = await audit(p);
      assert.equal(report.firstFailure, null);
      assert.equal(report.readModels.find((m) => m.projection === 'videos')?.matches, false);
      assert.equal(report.readModels.find((m) => m.projection === 'pods')?.matches, true);
      assert.equal(report.ok, false);
    });
  });
}

describe('npm run audit (the CLI)', () => {
  const pods: TestPod[] = [];
  const dir = tempDir();
  after(async () => {
    await Promise.all(pods.map((p) => p.destroy()));
    dir.remove();
  });
  const run = (...args: string[]) => spawnSync(process.execPath, [AUDIT_CLI, ...args], { encoding: 'utf8', timeout: 60_000 });

  test('an NDJSON export fetched from /api/v1/events verifies on its own', async () => {
    const pod = await podWithHistory('sqlite', true);
    pods.push(pod);
    const response = await fetch(`${pod.baseUrl}/api/v1/events`, { headers: { accept: 'application/x-ndjson' } });
    const file = join(dir.path, 'export.ndjson');
    writeFileSync(file, await response.text());
    const result = run(file);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /events verified: 15 from 1 origin\(s\), every proof checked/);
    assert.match(result.stdout, /^OK$/m);
  });

  test('a data folder with one altered event exits 1 and names the event', async () => {
    const pod = await podWithHistory('sqlite');
    pods.push(pod);
    await pod.stop();
    const ok = run(pod.config.dataDir);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /read model videos: 22 row\(s\) at position 15, digest [0-9a-f]{16}… matches live/);
    const [victim] = await (async () => {
      const db = new Database(join(pod.config.dataDir, 'events.sqlite'), { readonly: true });
      const rows = db.prepare('SELECT id FROM events WHERE position = 9').all() as { id: string }[];
      db.close();
      return rows;
    })();
    await changeOneByte(pod, 9, '"duration":12', '"duration":13');
    const bad = run(pod.config.dataDir);
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /FIRST BAD EVENT at position 9: bad-proof/);
    assert.ok(bad.stdout.includes(victim.id));
    assert.match(bad.stdout, /^FAILED$/m);
  });

  test('a PostgreSQL log is audited by its URL and schema', async () => {
    const pod = await podWithHistory('postgres');
    pods.push(pod);
    const result = run(TEST_POSTGRES_URL, '--schema', pod.config.databaseSchema, '--json');
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.equal(JSON.parse(result.stdout).events, 15);
  });

  test('bad usage and unreadable sources exit 2 with a clear message', () => {
    const missing = run('/nonexistent/folder');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /audit: \/nonexistent\/folder: no such file or folder/);
    const none = spawnSync(process.execPath, [AUDIT_CLI], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } });
    assert.equal(none.status, 2);
    assert.match(none.stderr, /name one log to audit/);
    const empty = tempDir();
    try {
      const notPod = run(empty.path);
      assert.equal(notPod.status, 2);
      assert.match(notPod.stderr, /not a pod's data folder/);
    } finally {
      empty.remove();
    }
    const flag = run('--frobnicate');
    assert.equal(flag.status, 2);
  });

  test('an export file with a line that is not JSON is named', () => {
    const file = join(dir.path, 'garbage.ndjson');
    writeFileSync(file, '{"not": "an event"\n');
    const result = run(file);
    assert.equal(result.status, 1);
    assert.match(result.stdout, /FIRST BAD EVENT at position 1: not-json/);
  });
});

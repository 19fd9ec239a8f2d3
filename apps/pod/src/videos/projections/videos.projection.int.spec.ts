import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { TEST_POSTGRES_URL, withPostgres } from '@swarmtube/testing';
import { createTestSealer } from '@swarmtube/testing';
import { openAuditSource } from '../../audit/audit-source.js';
import { auditLog } from '../../audit/audit.js';
import { digestReadModel } from '../../projections/read-model-digest.js';
import { listVideos, parseListVideosQuery } from '../queries/video-catalog.js';
import { postgresSearchVector, SEARCH_TABLE } from './video-search-index.js';
import { caughtUp, copyLog, DIALECTS, openVideoStore, startVideosRunner, VideoLog, type VideoStore } from './videos-test-log.js';
import { videosProjection, videosProjectionFor } from './videos.projection.js';

const LOCAL = 'http://local.test:9001/federation/actor';
const PEER = 'http://peer.test/federation/actor';
const OTHER = 'http://other.test:9003/federation/actor';

const stores: VideoStore[] = [];
after(async () => {
  for (const store of stores.splice(0)) await store.destroy();
});

async function open(dialect: (typeof DIALECTS)[number]): Promise<VideoStore> {
  const store = await openVideoStore(dialect, createTestSealer(LOCAL));
  stores.push(store);
  return store;
}

/** A log with every way a video changes, and the ways another pod may try to change it. */
async function writeHistory(log: VideoLog): Promise<void> {
  const a = await log.publish(LOCAL, { name: 'Crème brûlée', description: 'Dessert — step by step.', tags: ['food', 'dessert'] });
  const b = await log.publish(PEER, { name: 'हिंदी गाना', description: '日本語の説明', tags: ['music'] });
  const c = await log.publish(OTHER, { name: 'To be deleted', description: '', tags: [] });
  const d = await log.publish(PEER, { name: 'Timelapse 4K', publishedAt: '2026-11-25T18:00:00.123456789+01:00' });
  await log.update(LOCAL, a, { name: 'Crème brûlée, the classic', tags: ['food'] });
  await log.update(PEER, b, { description: 'Updated description' });
  await log.update(OTHER, a, { name: 'Hijacked' });
  await log.remove(OTHER, c);
  await log.remove(PEER, a);
  await log.publish(OTHER, { uuid: d, name: 'Impostor' });
  for (let i = 0; i < 30; i++) await log.publish([LOCAL, PEER, OTHER][i % 3], { name: `Clip ${i}`, tags: [`t${i % 4}`] });
}

const search = async (store: VideoStore, words: string) => {
  const parsed = parseListVideosQuery({ search: words, count: '100' });
  assert.ok(parsed.ok);
  return listVideos(store.store.readModels, parsed.query, LOCAL);
};

describe('videos read model', () => {
  test('the same log gives the same digest on SQLite and PostgreSQL, and the audit agrees with each', async () => {
    const sqlite = await open('sqlite');
    const postgres = await open('postgres');
    await writeHistory(new VideoLog(sqlite.store, sqlite.sealer));
    await copyLog(sqlite.store, postgres.store);

    const digests = [];
    for (const store of [sqlite, postgres]) {
      const runner = await startVideosRunner(store.store);
      await caughtUp(runner, store.store);
      await runner.stop();
      digests.push(await digestReadModel(store.store.readModels, videosProjectionFor(store.dialect)));
    }
    // 33 videos and their 33 search documents.
    assert.equal(digests[0].rows, 66);
    assert.deepEqual(digests[1], digests[0]);

    // The audit replays into SQLite whatever the pod runs on: the digests must meet there too.
    for (const store of [sqlite, postgres]) {
      const source = 'dataDir' in store.location ? await openAuditSource(store.location.dataDir) : await openAuditSource(TEST_POSTGRES_URL, { schema: store.location.schema });
      try {
        const report = await auditLog(source, { projections: [videosProjectionFor('sqlite')], threads: 1 });
        assert.equal(report.firstFailure, null, JSON.stringify(report.firstFailure));
        assert.deepEqual(
          report.readModels.map((m) => [m.projection, m.matches, m.liveDigest]),
          [['videos', true, digests[0].digest]],
          store.dialect,
        );
      } finally {
        await source.close();
      }
    }
  });

  for (const dialect of DIALECTS) {
    test(`on ${dialect}, a pod running version 1 rebuilds its videos and their search index from the log`, async () => {
      const store = await open(dialect);
      await writeHistory(new VideoLog(store.store, store.sealer));
      const v1 = await startVideosRunner(store.store, videosProjection);
      await caughtUp(v1, store.store);
      await v1.stop();
      const [{ n: before }] = await store.store.readModels.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM rm_videos');

      const v2 = await startVideosRunner(store.store);
      await caughtUp(v2, store.store);
      await v2.stop();
      assert.equal(v2.status()[0].version, 2);
      assert.equal((await search(store, '')).total, Number(before));
      assert.deepEqual((await search(store, 'creme brulee')).data.map((v) => [v.name, v.tags, v.isLocal]), [['Crème brûlée, the classic', ['food'], true]]);
      assert.deepEqual((await search(store, 'हिंदी')).data.map((v) => [v.name, v.description, v.available]), [['हिंदी गाना', 'Updated description', true]]);
      assert.deepEqual((await search(store, 'timelapse')).data.map((v) => [v.name, v.originHost, v.publishedAt]), [['Timelapse 4K', 'peer.test', '2026-11-25T17:00:00.123Z']]);
    });

    test(`on ${dialect}, a later version rebuilds the search index with the videos, from the log alone`, async () => {
      const store = await open(dialect);
      await writeHistory(new VideoLog(store.store, store.sealer));
      const current = await startVideosRunner(store.store);
      await caughtUp(current, store.store);
      await current.stop();
      const before = await digestReadModel(store.store.readModels, videosProjectionFor(dialect));
      await store.store.readModels.execute([{ sql: `UPDATE ${SEARCH_TABLE} SET name = 'tampered'` }]);
      assert.equal((await search(store, 'tampered')).total, 33);

      const next = await startVideosRunner(store.store, { ...videosProjectionFor(dialect), version: 99 });
      await caughtUp(next, store.store);
      await next.stop();
      assert.deepEqual(await digestReadModel(store.store.readModels, videosProjectionFor(dialect)), before);
      assert.equal((await search(store, 'tampered')).total, 0);
      const clips = await search(store, 'clip');
      assert.equal(clips.total, 30);
      assert.equal(new Set(clips.data.map((v) => v.uuid)).size, 30);
    });
  }

  test('on PostgreSQL, a search reads the GIN index (its expression is the one queries use)', async () => {
    const store = await open('postgres');
    const runner = await startVideosRunner(store.store);
    await runner.stop();
    const plan = await withPostgres((store.location as { schema: string }).schema, async (client) => {
      await client.query('SET enable_seqscan = off');
      const { rows } = await client.query(`EXPLAIN SELECT s.uuid FROM ${SEARCH_TABLE} s WHERE ${postgresSearchVector('s')} @@ to_tsquery('simple', $1)`, ["'bunn':*"]);
      return rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n');
    });
    assert.match(plan, new RegExp(`Bitmap Index Scan on ${SEARCH_TABLE}_vector`));
  });
});

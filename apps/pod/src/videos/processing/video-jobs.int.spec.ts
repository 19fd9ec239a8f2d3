import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTestSealer } from '@swarmtube/testing';
import type { ProcessingPlan } from '../media/index.js';
import { DIALECTS, openVideoStore } from '../projections/videos-test-log.js';
import { migrate } from '../../migrations/migrate.js';
import { MIGRATIONS } from '../../migrations/migrations.js';
import { VideoJobs } from './video-jobs.js';

const PLAN: ProcessingPlan = { action: 'transcode', container: 'mp4', mimeType: 'video/mp4', extension: 'mp4', reason: 'mpeg4 in avi', durationSeconds: 8, videoStreamIndex: 0, audioStreamIndex: 1 };

/** The job row is what a resumed job reads: where the bytes are and the plan it follows. */
describe('local video jobs', () => {
  for (const dialect of DIALECTS) {
    test(`${dialect}: a table of the version before resumable jobs gains the plan and the file's place, its rows kept`, async () => {
      const opened = await openVideoStore(dialect, createTestSealer('http://pod.test/federation/actor'), { bare: true });
      try {
        const db = opened.store.readModels;
        await db.execute([
          {
            sql: `CREATE TABLE local_video_jobs (
              uuid TEXT PRIMARY KEY, owner TEXT NOT NULL, state TEXT NOT NULL, progress DOUBLE PRECISION NOT NULL,
              step TEXT NOT NULL, error_code TEXT, error_message TEXT, name TEXT NOT NULL, description TEXT NOT NULL,
              tags TEXT NOT NULL, source_path TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`,
          },
          {
            sql: `INSERT INTO local_video_jobs VALUES ('old', 'camille', 'processing', 0.5, 'hashing', NULL, NULL, 'Old', '', '[]', '/data/uploads/x.part', 't', 't')`,
          },
        ]);
        // The migrations at start (migration 2 adds the columns); the second start applies nothing.
        assert.deepEqual((await migrate(db)).applied, MIGRATIONS.map((m) => m.version));
        assert.deepEqual((await migrate(db)).applied, []);
        const jobs = new VideoJobs(db);
        const old = await jobs.get('old');
        assert.deepEqual([old?.sourcePath, old?.plan, old?.filePath], ['/data/uploads/x.part', null, null]);

        await jobs.update('old', { plan: PLAN, filePath: '/data/web-videos/old.mp4', sourcePath: null, step: 'placed', updatedAt: 'u' });
        const placed = await jobs.get('old');
        assert.deepEqual([placed?.plan, placed?.filePath, placed?.sourcePath, placed?.step], [PLAN, '/data/web-videos/old.mp4', null, 'placed']);
      } finally {
        await opened.destroy();
      }
    });

    test(`${dialect}: jobs are counted by state for /metrics, every state present`, async () => {
      const opened = await openVideoStore(dialect, createTestSealer('http://pod.test/federation/actor'));
      try {
        await migrate(opened.store.readModels);
        const jobs = new VideoJobs(opened.store.readModels);
        assert.deepEqual(await jobs.countByState(), { processing: 0, published: 0, failed: 0 });
        const job = { owner: 'camille', progress: 0, step: 'queued', errorCode: null, errorMessage: null, name: 'n', description: '', tags: [], sourcePath: null, plan: null, filePath: null, createdAt: 't', updatedAt: 't' };
        for (const [uuid, state] of [['a', 'processing'], ['b', 'published'], ['c', 'published']] as const) await jobs.insert({ ...job, uuid, state });
        assert.deepEqual(await jobs.countByState(), { processing: 1, published: 2, failed: 0 });
      } finally {
        await opened.destroy();
      }
    });
  }
});

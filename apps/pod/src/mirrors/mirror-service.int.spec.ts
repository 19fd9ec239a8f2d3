import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mirrorStream } from '@swarmtube/contracts';
import { createTestSealer, waitUntil } from '@swarmtube/testing';
import { EventLog } from '../event-log/event-log.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { startTestPod, type TestPod } from '../testing/test-pod.js';
import { VideoLog } from '../videos/projections/videos-test-log.js';

/**
 * The mirror policy carried out by a running pod: a copy the policy no longer wants is dropped
 * (`VideoUnmirrored`, reason `policy`), an admin's copy is kept; when the video's origin is
 * expelled, the admin's copy goes too (reason `expelled`). The copies are given to the pod as
 * if it had fetched them (its own VideoMirrored and its local rows): what is checked is what a
 * round decides and appends.
 */
const B = 'http://origin.test:9002/federation/actor';
const V1 = '0190f0a4-5b1c-7cc0-8a37-2f9b1f0e3c31';
const V2 = '0190f0a4-5b1c-7cc0-8a37-2f9b1f0e3c32';
const VOTE = 'urn:uuid:0190f0a4-5b1c-7cc0-8a37-2f9b1f0e3c33';

describe('the mirror policy on a running pod', () => {
  let pod: TestPod;
  let log: VideoLog;
  const unmirrored = async () =>
    (await pod.store.readAll({ after: 0, limit: 1000 })).map((s) => s.event).filter((e) => e.type === 'VideoUnmirrored' && e.origin === pod.actor).map((e) => e.data as { uuid: string; reason: string });

  before(async () => {
    pod = await startTestPod({ http: true, env: { SWARMTUBE_MIRRORS_ENABLED: 'false', SWARMTUBE_MIRRORS_INTERVAL_SECONDS: '0.1', SWARMTUBE_HEALTH_PROBE_INTERVAL_SECONDS: '0' } });
    log = new VideoLog(pod.store, createTestSealer(pod.actor));
    for (const uuid of [V1, V2]) await log.publish(B, { uuid, name: `Video ${uuid.slice(-2)}` });
    await pod.get(ProjectionRunner).waitFor(await pod.store.headPosition());
    const now = new Date().toISOString();
    for (const [uuid, choice] of [[V1, 'admin'], [V2, 'policy']] as const) {
      const [{ info_hash: infoHash }] = await pod.store.readModels.query<{ info_hash: string }>('SELECT info_hash FROM rm_videos WHERE uuid = $1', [uuid]);
      await pod.store.readModels.execute([
        { sql: `INSERT INTO local_mirrors (uuid, choice, info_hash, size, fetched_bytes, attempts, created_at, updated_at) VALUES ($1, $2, $3, 1, 1, 0, $4, $4)`, params: [uuid, choice, infoHash, now] },
      ]);
      const host = new URL(pod.actor).host;
      await pod.get(EventLog).append(mirrorStream(uuid), [
        {
          type: 'VideoMirrored',
          schemaVersion: 1,
          data: { uuid, videoOrigin: B, infoHash, torrentUrl: `http://${host}/static/torrents/${uuid}.torrent`, trackers: [`ws://${host}/tracker/socket`], webSeedUrls: [] },
        },
      ], { expectedVersion: 'any' });
    }
    await pod.startFederation();
  });
  after(() => pod.destroy());

  test("with the policy off, the policy's copy is dropped and the admin's kept", async () => {
    const dropped = await waitUntil('a round of the policy', async () => ((await unmirrored()).length > 0 ? unmirrored() : undefined), 10_000, 50);
    assert.deepEqual(dropped, [{ uuid: V2, reason: 'policy' }]);
    assert.deepEqual((await pod.store.readModels.query<{ uuid: string }>('SELECT uuid FROM local_mirrors')).map((r) => r.uuid), [V1]);
  });

  test("the origin is expelled: the admin's copy goes too, and nothing is fetched again", async () => {
    await log.record(B, 'pod:origin.test:9002', { type: 'PodExpelled', schemaVersion: 1, data: { target: B, votes: [VOTE] } });
    const dropped = await waitUntil('the copy of an expelled pod to be dropped', async () => ((await unmirrored()).length > 1 ? unmirrored() : undefined), 10_000, 50);
    assert.deepEqual(dropped, [{ uuid: V2, reason: 'policy' }, { uuid: V1, reason: 'expelled' }]);
    assert.deepEqual(await pod.store.readModels.query('SELECT uuid FROM local_mirrors'), []);
    assert.deepEqual(await pod.store.readModels.query('SELECT uuid FROM rm_video_mirrors'), []);
  });
});

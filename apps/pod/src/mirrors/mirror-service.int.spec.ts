import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { mirrorStream } from '@swarmtube/contracts';
import { createTestSealer, jpegImage, pngImage, waitUntil } from '@swarmtube/testing';
import { EventLog } from '../event-log/event-log.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { startTestPod, type TestPod } from '../testing/test-pod.js';
import { VideoLog } from '../videos/projections/videos-test-log.js';
import { VideoStorage } from '../videos/video-storage.js';
import { MirrorService } from './mirror-service.js';
import { MAX_THUMBNAIL_BYTES } from './mirror-thumbnails.js';

/**
 * The mirror policy carried out by a running pod: a copy the policy no longer wants is dropped
 * (`VideoUnmirrored`, reason `policy`), an admin's copy is kept; when the video's origin is
 * expelled, the admin's copy goes too (reason `expelled`). The copies are given to the pod as
 * if it had fetched them (its own VideoMirrored and its local rows): what is checked is what a
 * round decides and appends. A copy without its thumbnail (its origin, on loopback, served none
 * that passed) gets it at a later round; the admin's DELETE removes it with the copy.
 */
const B = 'http://origin.test:9002/federation/actor';
const V1 = '0190f0a4-5b1c-7cc0-8a37-2f9b1f0e3c31';
const V2 = '0190f0a4-5b1c-7cc0-8a37-2f9b1f0e3c32';
const V3 = '0190f0a4-5b1c-7cc0-8a37-2f9b1f0e3c34';
const VOTE = 'urn:uuid:0190f0a4-5b1c-7cc0-8a37-2f9b1f0e3c33';

describe('the mirror policy on a running pod', () => {
  let pod: TestPod;
  let log: VideoLog;
  /** V3's origin: a loopback server whose thumbnail answer the test chooses. */
  let origin: Server;
  let answer: 'png' | 'oversized' | 'jpeg' = 'png';
  let asked = 0;
  let jpeg: Buffer;
  const unmirrored = async () =>
    (await pod.store.readAll({ after: 0, limit: 1000 })).map((s) => s.event).filter((e) => e.type === 'VideoUnmirrored' && e.origin === pod.actor).map((e) => e.data as { uuid: string; reason: string });

  before(async () => {
    jpeg = readFileSync(await jpegImage());
    const png = readFileSync(await pngImage());
    const oversized = Buffer.concat([jpeg.subarray(0, -2), Buffer.alloc(MAX_THUMBNAIL_BYTES), Buffer.from([0xff, 0xd9])]);
    origin = createServer((request, response) => {
      if (request.url !== `/static/thumbnails/${V3}.jpg`) return void response.writeHead(404).end();
      asked += 1;
      response.writeHead(200, { 'content-type': 'image/jpeg' }).end(answer === 'png' ? png : answer === 'oversized' ? oversized : jpeg);
    });
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
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
  after(async () => {
    await pod.destroy();
    await new Promise<void>((resolve) => origin.close(() => resolve()));
  });

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

  test('a copy whose thumbnail could not be had gets it at a later round: a PNG and an answer over the bound leave no file', async () => {
    const L = `http://127.0.0.1:${(origin.address() as { port: number }).port}/federation/actor`;
    await log.publish(L, { uuid: V3, name: 'Video 34' });
    await pod.get(ProjectionRunner).waitFor(await pod.store.headPosition());
    const [{ info_hash: infoHash }] = await pod.store.readModels.query<{ info_hash: string }>('SELECT info_hash FROM rm_videos WHERE uuid = $1', [V3]);
    const now = new Date().toISOString();
    await pod.store.readModels.execute([
      { sql: `INSERT INTO local_mirrors (uuid, choice, info_hash, size, fetched_bytes, attempts, created_at, updated_at) VALUES ($1, 'admin', $2, 1, 1, 0, $3, $3)`, params: [V3, infoHash, now] },
    ]);
    const host = new URL(pod.actor).host;
    await pod.get(EventLog).append(mirrorStream(V3), [
      { type: 'VideoMirrored', schemaVersion: 1, data: { uuid: V3, videoOrigin: L, infoHash, torrentUrl: `http://${host}/static/torrents/${V3}.torrent`, trackers: [`ws://${host}/tracker/socket`], webSeedUrls: [] } },
    ], { expectedVersion: 'any' });
    const storage = pod.get(VideoStorage);
    const thumbnails = () => readdirSync(storage.thumbnailsDir);
    for (const refused of ['png', 'oversized'] as const) {
      answer = refused;
      const from = asked;
      await waitUntil(`two rounds asking for the thumbnail (${refused})`, async () => (asked >= from + 2 ? true : undefined), 10_000, 20);
      assert.deepEqual(thumbnails(), [], `${refused}: nothing written`);
    }
    answer = 'jpeg';
    await waitUntil('the thumbnail to be stored', async () => (existsSync(storage.thumbnailPath(V3)) ? true : undefined), 10_000, 20);
    assert.deepEqual(readFileSync(storage.thumbnailPath(V3)), jpeg);
    assert.deepEqual(thumbnails(), [`${V3}.jpg`]);
    const served = await fetch(`${pod.baseUrl}/static/thumbnails/${V3}.jpg`);
    assert.equal(served.status, 200);
    assert.equal(served.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual(Buffer.from(await served.arrayBuffer()), jpeg);
    const view = (await (await fetch(`${pod.baseUrl}/api/v1/videos/${V3}`)).json()) as { thumbnailUrl: string; thumbnailUrls: string[] };
    assert.deepEqual(view.thumbnailUrls, [`http://${new URL(L).host}/static/thumbnails/${V3}.jpg`, `http://${host}/static/thumbnails/${V3}.jpg`], "the origin's first while it answers, then this pod's copy");
    const from = asked;
    for (let round = 0; round < 3; round++) await pod.get(MirrorService).reconcileSoon();
    assert.equal(asked, from, 'a thumbnail in place is not fetched again');
  });

  test("the admin's DELETE drops the copy and its thumbnail", async () => {
    const response = await fetch(`${pod.baseUrl}/api/v1/videos/${V3}/mirror`, { method: 'DELETE', headers: { authorization: `Bearer ${await pod.adminToken()}` } });
    assert.equal(response.status, 204);
    assert.deepEqual((await unmirrored()).at(-1), { uuid: V3, reason: 'admin' });
    assert.equal(existsSync(pod.get(VideoStorage).thumbnailPath(V3)), false);
    assert.equal((await fetch(`${pod.baseUrl}/static/thumbnails/${V3}.jpg`)).status, 404);
  });
});

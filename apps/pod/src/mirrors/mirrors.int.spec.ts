import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { VideoDto, VideoListDto } from '@swarmtube/contracts';
import { createTestSealer } from '@swarmtube/testing';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { startTestPod, type TestPod } from '../testing/test-pod.js';
import { accountsClient, assertProblem } from '../users/testing/accounts-http.js';
import { LocalVideos } from '../videos/local-videos.js';
import { VideoLog } from '../videos/projections/videos-test-log.js';
import { VideoStorage } from '../videos/video-storage.js';

/**
 * The mirrors as one pod reads them from its log (other pods' events appended as received), and
 * the admin endpoints' refusals that need a whole pod: a video of an expelled origin, a user who
 * is not an admin. What a viewer gets: the mirrors' torrents, trackers and web seeds, first while
 * the origin is unreachable; never an expelled mirror's, never a copy of another info-hash.
 * Another pod's VideoDeleted of a uuid removes no file of this pod: only the copy's origin drops it.
 */
const B = 'http://origin.test:9002/federation/actor';
const C = 'http://mirror.test:9003/federation/actor';
const D = 'http://expelled-mirror.test:9004/federation/actor';
const E = 'http://liar.test:9005/federation/actor';
const X = 'http://expelled.test:9006/federation/actor';
const V1 = '0190f0a4-5b1c-7cc0-8a37-2f9b1f0e3c01';
const V2 = '0190f0a4-5b1c-7cc0-8a37-2f9b1f0e3c02';
const V3 = '0190f0a4-5b1c-7cc0-8a37-2f9b1f0e3c03';
const VOTE = 'urn:uuid:0190f0a4-5b1c-7cc0-8a37-2f9b1f0e3c04';

function mirrored(mirror: string, uuid: string, infoHash: string) {
  const base = mirror.replace('/federation/actor', '');
  const host = new URL(mirror).host;
  return {
    type: 'VideoMirrored',
    schemaVersion: 1,
    data: {
      uuid,
      videoOrigin: B,
      infoHash,
      torrentUrl: `${base}/static/torrents/${uuid}.torrent`,
      trackers: [`ws://${host}/tracker/socket`, `http://${host}/tracker/announce`],
      webSeedUrls: [`${base}/static/web-videos/${uuid}.mp4`],
    },
  };
}

for (const database of ['sqlite', 'postgres'] as const) describe(`mirrors on one pod (${database})`, () => {
  let pod: TestPod;
  let log: VideoLog;
  let token: string;
  const get = async (uuid: string) => (await (await fetch(`${pod.baseUrl}/api/v1/videos/${uuid}`)).json()) as VideoDto;
  const caughtUp = async () => pod.get(ProjectionRunner).waitFor(await pod.store.headPosition());

  before(async () => {
    pod = await startTestPod({ http: true, database });
    pod.config.signup = true;
    token = await pod.adminToken();
    log = new VideoLog(pod.store, createTestSealer(pod.actor));
    for (const [origin, uuid] of [[B, V1], [B, V2], [X, V3]] as const) await log.publish(origin, { uuid, name: `Video ${uuid.slice(-2)}` });
    await caughtUp();
  });
  after(() => pod.destroy());

  test("a mirror's copy adds its torrent, trackers and web seed to the view; another info-hash and an expelled mirror add nothing", async () => {
    const { infoHash } = await get(V1);
    await log.record(C, `mirror:${V1}`, mirrored(C, V1, infoHash));
    await log.record(E, `mirror:${V1}`, mirrored(E, V1, 'f'.repeat(40)));
    await log.record(D, `mirror:${V1}`, mirrored(D, V1, infoHash));
    await log.record(B, `pod:${new URL(D).host}`, { type: 'PodExpelled', schemaVersion: 1, data: { target: D, votes: [VOTE] } });
    await caughtUp();
    const video = await get(V1);
    assert.deepEqual(video.mirrors.map((m) => [m.host, m.reachable]), [['mirror.test:9003', true]]);
    assert.equal(video.originReachable, true);
    assert.equal(video.servedByMirrors, false);
    assert.deepEqual(video.torrentUrls, [`http://origin.test:9002/static/torrents/${V1}.torrent`, `http://mirror.test:9003/static/torrents/${V1}.torrent`]);
    assert.deepEqual(video.webSeedUrls, [`http://origin.test:9002/static/web-videos/${V1}.mp4`, `http://mirror.test:9003/static/web-videos/${V1}.mp4`]);
    assert.equal(video.mirrors[0]!.thumbnailUrl, `http://mirror.test:9003/static/thumbnails/${V1}.jpg`);
    assert.equal(video.thumbnailUrl, `http://origin.test:9002/static/thumbnails/${V1}.jpg`);
    assert.deepEqual(video.thumbnailUrls, [video.thumbnailUrl, `http://mirror.test:9003/static/thumbnails/${V1}.jpg`]);
    assert.ok(video.trackerUrls.indexOf('ws://mirror.test:9003/tracker/socket') > video.trackerUrls.indexOf('ws://origin.test:9002/tracker/socket'));
    assert.ok(video.magnetUri.includes(`&tr=${encodeURIComponent('ws://mirror.test:9003/tracker/socket')}`));
    assert.ok(video.magnetUri.includes(`&ws=${encodeURIComponent(`http://mirror.test:9003/static/web-videos/${V1}.mp4`)}`));
    assert.ok(!video.magnetUri.includes('liar.test') && !video.magnetUri.includes('expelled-mirror.test'));
  });

  test('while the origin is unreachable its videos stay listed and searchable; the mirrored one is served by mirrors, its copies first', async () => {
    await pod.store.readModels.execute([
      { sql: `INSERT INTO pod_health (actor, score, failures_in_row, successes, failures) VALUES ($1, 60, 4, 10, 4)`, params: [B] },
    ]);
    const video = await get(V1);
    assert.equal(video.originReachable, false);
    assert.equal(video.servedByMirrors, true);
    assert.equal(video.torrentUrls[0], `http://mirror.test:9003/static/torrents/${V1}.torrent`);
    assert.equal(video.webSeedUrls[0], `http://mirror.test:9003/static/web-videos/${V1}.mp4`);
    assert.equal(video.trackerUrls[0], 'ws://mirror.test:9003/tracker/socket');
    assert.deepEqual(video.thumbnailUrls, [`http://mirror.test:9003/static/thumbnails/${V1}.jpg`, `http://origin.test:9002/static/thumbnails/${V1}.jpg`], "the mirror's thumbnail first");
    assert.equal(video.thumbnailUrl, `http://origin.test:9002/static/thumbnails/${V1}.jpg`, 'thumbnailUrl stays the origin\'s');
    const list = (await (await fetch(`${pod.baseUrl}/api/v1/videos?origin=origin.test:9002`)).json()) as VideoListDto;
    assert.deepEqual(list.data.map((v) => [v.uuid, v.originReachable, v.servedByMirrors]).sort(), [[V1, false, true], [V2, false, false]]);
    await pod.store.readModels.execute([{ sql: 'DELETE FROM pod_health WHERE actor = $1', params: [B] }]);
  });

  test("an expelled pod's video cannot be mirrored, and only an admin may ask: problem+json, nothing changed", async () => {
    await log.record(B, `pod:${new URL(X).host}`, { type: 'PodExpelled', schemaVersion: 1, data: { target: X, votes: [VOTE] } });
    await caughtUp();
    const client = accountsClient(pod);
    await client.register({ username: 'viewer', password: 'correct horse battery' });
    const user = await client.login('viewer', 'correct horse battery');
    const head = await pod.store.headPosition();
    assertProblem(await client.call('POST', `/api/v1/videos/${V3}/mirror`, undefined, { token }), 409, 'origin-expelled');
    assertProblem(await client.call('POST', `/api/v1/videos/${V1}/mirror`, undefined, { token: user }), 403, 'forbidden');
    assertProblem(await client.call('DELETE', `/api/v1/videos/${V1}/mirror`, undefined, { token: user }), 403, 'forbidden');
    assertProblem(await client.call('DELETE', `/api/v1/videos/${V1}/mirror`, undefined, { token }), 409, 'not-mirrored');
    assertProblem(await client.call('DELETE', `/api/v1/videos/${V3}/mirror`, undefined, { token }), 409, 'not-mirrored');
    assert.equal(await pod.store.headPosition(), head, 'nothing appended');
    assert.deepEqual(await pod.store.readModels.query('SELECT uuid FROM local_mirrors'), [], 'nothing to fetch');
    assert.deepEqual(await pod.store.readModels.query('SELECT uuid FROM local_mirror_refusals'), [], 'nothing refused');
  });

  test("the mirror's VideoUnmirrored removes its copy from the view; the origin's delete removes the video", async () => {
    await log.record(C, `mirror:${V1}`, { type: 'VideoUnmirrored', schemaVersion: 1, data: { uuid: V1, reason: 'policy' } });
    await caughtUp();
    assert.deepEqual((await get(V1)).mirrors, []);
    await log.remove(B, V1);
    await caughtUp();
    assert.equal((await fetch(`${pod.baseUrl}/api/v1/videos/${V1}`)).status, 404);
  });

  test("another pod's VideoDeleted touches neither this pod's own video's files nor a copy's; the copy's origin's drops the copy, thumbnail included", async () => {
    const OWN = '0190f0a4-5b1c-7cc0-8a37-2f9b1f0e3c07';
    const COPY = '0190f0a4-5b1c-7cc0-8a37-2f9b1f0e3c08';
    const storage = pod.get(VideoStorage);
    const files = (uuid: string) => [storage.webVideoPath(uuid, 'mp4'), storage.torrentPath(uuid), storage.thumbnailPath(uuid)];
    const reacted = async () => pod.get(LocalVideos).caughtUp(await pod.store.headPosition());
    for (const uuid of [OWN, COPY]) for (const path of files(uuid)) writeFileSync(path, 'bytes');
    await log.publish(pod.actor, { uuid: OWN, name: 'Video of this pod' });
    await log.publish(B, { uuid: COPY, name: 'Video mirrored here' });
    await caughtUp();
    await log.record(pod.actor, `mirror:${COPY}`, mirrored(pod.actor, COPY, (await get(COPY)).infoHash));
    await log.remove(C, OWN);
    await log.remove(C, COPY);
    await caughtUp();
    await reacted();
    for (const path of [...files(OWN), ...files(COPY)]) assert.equal(existsSync(path), true, `${path} is kept`);
    await log.remove(B, COPY);
    await reacted();
    for (const path of files(COPY)) assert.equal(existsSync(path), false, `${path} went with the copy`);
    for (const path of files(OWN)) assert.equal(existsSync(path), true, `${path} is kept`);
  });
});

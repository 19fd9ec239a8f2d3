import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createPodProcess, waitUntil, type PodProcess } from '@swarmtube/testing';
import { tempDir } from '@swarmtube/testing';
import { HAS_ARIA2, peersOnlyTorrent, runAria2, type Aria2Run } from '@swarmtube/testing';
import { swarmSizedMp4 } from '@swarmtube/testing';
import { assertSameAudits, cleanUp, formNetwork, quiescent } from './support/network.js';
import { getVideo, uploadVideo, waitForState, type VideoView } from './support/videos.js';

/**
 * Videos across a three-pod network, carried by BitTorrent: a user uploads on pod 3, every
 * pod lists and finds the video with the same info-hash, and aria2c, a real desktop client,
 * downloads it from pod 3's seeder found through pod 3's tracker (HTTP and UDP), with no web
 * seed to fall back on. A second aria2c gets pieces from the first: pod 3's seeder is
 * capped at 512 KiB/s here, as an admin of a small pod might, so the swarm has to help.
 */
const SEEDER_LIMIT = 512 * 1024;

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('videos across a three-pod network, carried by BitTorrent', { skip: HAS_ARIA2 ? false : 'aria2c is not installed' }, () => {
  let pods: PodProcess[] = [];
  let one: PodProcess;
  let two: PodProcess;
  let three: PodProcess;
  const work = tempDir('swarmtube-videos-e2e-');
  let source: string;
  const clients: Aria2Run[] = [];
  let video: VideoView;
  let published: Buffer;

  before(async () => {
    // 8 s: a file a browser plays as it is (about 2 MB).
    source = await swarmSizedMp4({ seconds: 8 });
    pods = [
      await createPodProcess({ name: 'Pod 1', driven: true }),
      await createPodProcess({ name: 'Pod 2', driven: true }),
      await createPodProcess({ name: 'Pod 3', driven: true, env: { SWARMTUBE_SEEDING_UPLOAD_LIMIT_BYTES_PER_SECOND: String(SEEDER_LIMIT) } }),
    ];
    [one, two, three] = pods;
    await Promise.all(pods.map((pod) => pod.start()));
    await formNetwork(pods);
  });
  after(async () => {
    await Promise.all(clients.map((client) => client.stop()));
    await cleanUp(pods);
    work.remove();
  });

  test('a user uploads on pod 3: it is published there, and pods 1 and 2 list it with the same info-hash', async () => {
    const { uuid } = await uploadVideo(three, await three.adminToken(), source, { name: 'Big Buck Bunny in the swarm', description: 'A test pattern and a tone.', tags: ['animation', 'p2p'] });
    video = await waitForState(three, uuid, 'published');
    assert.equal(video.isLocal, true);
    assert.match(video.infoHash, /^[0-9a-f]{40}$/);
    assert.equal(video.duration, 8);
    assert.ok(video.magnetUri.includes(`xt=urn:btih:${video.infoHash}`));
    published = Buffer.from(await (await fetch(video.webSeedUrls[0])).arrayBuffer());
    assert.equal(sha256(published), sha256(readFileSync(source)), 'a browser-playable MP4 is published as it was uploaded');

    await quiescent(pods);
    for (const pod of [one, two]) {
      const remote = await getVideo(pod, uuid);
      assert.equal(remote.infoHash, video.infoHash, `${pod.name} has the same info-hash`);
      assert.equal(remote.originHost, three.host);
      assert.equal(remote.isLocal, false);
      const found = (await (await fetch(`${pod.baseUrl}/api/v1/videos?search=bunn`)).json()) as { total: number; data: VideoView[] };
      assert.deepEqual(found.data.map((v) => v.uuid), [uuid], `${pod.name} finds it by the start of a word`);
    }
  });

  for (const transport of ['http', 'udp'] as const) {
    test(`aria2c downloads it from pod 3's seeder through the ${transport.toUpperCase()} tracker, with no web seed`, async () => {
      const tracker = transport === 'http' ? `http://${three.host}/tracker/announce` : `udp://127.0.0.1:${three.port}`;
      const dir = join(work.path, `aria2-${transport}`);
      mkdirSync(dir);
      const torrent = Buffer.from(await (await fetch(video.torrentUrl)).arrayBuffer());
      writeFileSync(join(dir, 'video.torrent'), peersOnlyTorrent(torrent, tracker));
      const client = await runAria2(join(dir, 'video.torrent'), dir, { udp: transport === 'udp' });
      clients.push(client);
      assert.equal(await client.exited(60_000), 0, client.output());
      const downloaded = readFileSync(join(dir, `${video.uuid}.mp4`));
      assert.equal(sha256(downloaded), sha256(published), 'the bytes match the published file');
    });
  }

  test('a second aria2c gets pieces from the first one, not only from pod 3', async () => {
    const tracker = `http://${three.host}/tracker/announce`;
    const torrent = peersOnlyTorrent(Buffer.from(await (await fetch(video.torrentUrl)).arrayBuffer()), tracker);
    const [firstDir, secondDir] = ['first', 'second'].map((name) => join(work.path, `swarm-${name}`));
    for (const dir of [firstDir, secondDir]) {
      mkdirSync(dir);
      writeFileSync(join(dir, 'video.torrent'), torrent);
    }
    const first = await runAria2(join(firstDir, 'video.torrent'), firstDir, { seedSeconds: 120, rpc: true });
    clients.push(first);
    await waitUntil('the first aria2c to complete and seed', async () => ((await first.status()).completedLength === published.length ? true : undefined), 60_000, 100);
    const second = await runAria2(join(secondDir, 'video.torrent'), secondDir);
    clients.push(second);
    assert.equal(await second.exited(60_000), 0, second.output());
    assert.equal(sha256(readFileSync(join(secondDir, `${video.uuid}.mp4`))), sha256(published));
    const { uploadLength } = await first.status();
    assert.ok(uploadLength > 0, `the first aria2c uploaded ${uploadLength} bytes to the second`);
    await first.stop();
  });

  test('pod 3 restarts: it tracks and seeds the video again, and aria2c succeeds', async () => {
    await three.stop();
    await three.start();
    const dir = join(work.path, 'after-restart');
    mkdirSync(dir);
    const torrent = Buffer.from(await (await fetch(video.torrentUrl)).arrayBuffer());
    writeFileSync(join(dir, 'video.torrent'), peersOnlyTorrent(torrent, `http://${three.host}/tracker/announce`));
    const client = await runAria2(join(dir, 'video.torrent'), dir);
    clients.push(client);
    assert.equal(await client.exited(60_000), 0, client.output());
    assert.equal(sha256(readFileSync(join(dir, `${video.uuid}.mp4`))), sha256(published));
  });

  test('its owner deletes it on pod 3: gone from every pod, its files removed, the tracker no longer answers for it', async () => {
    const response = await fetch(`${three.baseUrl}/api/v1/videos/${video.uuid}`, { method: 'DELETE', headers: { authorization: `Bearer ${await three.adminToken()}` } });
    assert.equal(response.status, 204, await response.text());
    await quiescent(pods);
    for (const pod of pods) assert.equal((await fetch(`${pod.baseUrl}/api/v1/videos/${video.uuid}`)).status, 404, `${pod.name} no longer has it`);
    for (const url of [video.torrentUrl, video.webSeedUrls[0], video.thumbnailUrl]) assert.equal((await fetch(url)).status, 404, url);
    const infoHash = Buffer.from(video.infoHash, 'hex');
    const announce = await fetch(
      `${three.baseUrl}/tracker/announce?info_hash=${[...infoHash].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')}&peer_id=-ST0001-abcdefghijkl&port=6881&uploaded=0&downloaded=0&left=1&compact=1`,
    );
    assert.match(Buffer.from(await announce.arrayBuffer()).toString('latin1'), /failure reason/);
  });

  test('integrity diff: every audit passes, and the three pods hold the same read models', async () => {
    await Promise.all(pods.map((pod) => pod.stop()));
    await assertSameAudits(pods);
  });
});

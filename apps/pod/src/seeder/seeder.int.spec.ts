import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Seeder } from './seeder.js';
import {
  aria2Download,
  downloadOverWebRtc,
  HAS_ARIA2,
  makeVideo,
  sha256File,
  startTestTracker,
  withAnnounce,
  writeTorrentFile,
  type TestTracker,
  type TestVideo,
} from './seeder-test-support.js';
import { waitUntil } from '@swarmtube/testing';

/**
 * The seeder with real parts: libs/tracker on loopback (ws, http, udp, as the pod lists
 * them), aria2c as a desktop client (finding the seeder through one tracker, with no
 * url-list: its only source of bytes is the seeder), and a second webtorrent client that
 * can only reach it over WebRTC.
 */

const MiB = 1024 * 1024;

describe('Seeder', () => {
  let tracker: TestTracker;
  let work: string;
  let seeder: Seeder;
  let video: TestVideo;
  const logged: string[] = [];
  const errors: string[] = [];

  before(async () => {
    tracker = await startTestTracker({ rateLimit: false });
    work = mkdtempSync(join(tmpdir(), 'swarmtube-seeder-'));
    mkdirSync(join(work, 'videos'));
    video = await makeVideo(join(work, 'videos'), 'video.mp4', 5 * MiB + 4321, [tracker.announce.ws, tracker.announce.http, tracker.announce.udp]);
    tracker.allow(video.infoHash);
    seeder = await Seeder.start({
      peerPort: 0,
      logger: { log: (m) => logged.push(m), warn: (m) => logged.push(m), error: (m) => errors.push(m) },
    });
    await seeder.seed(video);
  });

  after(async () => {
    await seeder?.close();
    await tracker?.close();
    rmSync(work, { recursive: true, force: true });
    assert.deepEqual(errors, [], 'the seeder logged no error');
  });

  it('is listed by all three trackers once seed() resolves, as a seeder, without a `completed` announce', () => {
    assert.ok(seeder.has(video.infoHash));
    assert.ok(seeder.has(video.infoHash.toUpperCase()), 'either case');
    const stats = tracker.tracker.stats();
    assert.deepEqual(stats.announces, { http: 1, udp: 1, ws: 1 });
    assert.deepEqual(tracker.tracker.scrape(video.infoHash), { complete: 2, incomplete: 0, downloaded: 0 }, 'one TCP/UDP entry and one WebRTC entry');
    assert.equal(seeder.stats().torrents, 1);
  });

  for (const transport of ['http', 'udp'] as const) {
    it(`gives the video, intact, to aria2c finding it through the ${transport.toUpperCase()} tracker`, { skip: HAS_ARIA2 ? false : 'aria2c is not installed', timeout: 90_000 }, async () => {
      const dir = join(work, `aria2-${transport}`);
      mkdirSync(dir);
      const torrentPath = await writeTorrentFile(dir, 'video.torrent', withAnnounce(video.torrentFile, [tracker.announce[transport]]));
      const uploadedBefore = seeder.stats().uploadedBytes;
      const started = Date.now();
      const { code, log } = await aria2Download(torrentPath, join(dir, 'out'), { udp: transport === 'udp', timeoutMs: 60_000 });
      assert.equal(code, 0, `aria2c failed: ${log}`);
      assert.equal(await sha256File(join(dir, 'out', 'video.mp4')), video.sha256);
      const uploaded = seeder.stats().uploadedBytes - uploadedBefore;
      assert.ok(uploaded >= video.length, `the seeder sent ${uploaded} bytes for a ${video.length}-byte file`);
      console.log(`  aria2c via ${transport}: ${Date.now() - started} ms`);
    });
  }

  it('gives the video to a webtorrent client over WebRTC, connected well under the 5 s ICE stall', { timeout: 60_000 }, async () => {
    let during = seeder.stats();
    const download = await downloadOverWebRtc(video.torrentFile, tracker.announce.ws, join(work, 'webrtc'), 30_000, () => (during = seeder.stats()));
    assert.equal(download.wireType, 'webrtc');
    assert.equal(during.wires.webrtc, 1, JSON.stringify(during));
    assert.equal(during.wires.tcp + during.wires.utp, 0, JSON.stringify(during));
    assert.equal(download.sha256, video.sha256);
    // Unpatched simple-peer waits 5 s for the end of ICE gathering on each side.
    assert.ok(download.connectedMs < 2500, `connected after ${download.connectedMs} ms`);
    console.log(`  WebRTC: connected after ${download.connectedMs} ms, 5 MiB downloaded after ${download.doneMs} ms`);
  });

  it('seed() is idempotent per info-hash: concurrent and repeated calls add one torrent', async () => {
    const other = await makeVideo(join(work, 'videos'), 'twice.mp4', 300_000, [tracker.announce.http]);
    tracker.allow(other.infoHash);
    const before = seeder.stats().torrents;
    await Promise.all([seeder.seed(other), seeder.seed(other), seeder.seed({ ...other, infoHash: other.infoHash.toUpperCase() })]);
    await seeder.seed(other);
    assert.equal(seeder.stats().torrents, before + 1);
    await seeder.unseed(other.infoHash);
  });

  it('unseed() stops seeding and tells the trackers (`stopped`), so they list the seeder no more', async () => {
    const other = await makeVideo(join(work, 'videos'), 'unseeded.mp4', 300_000, [tracker.announce.ws, tracker.announce.http, tracker.announce.udp]);
    tracker.allow(other.infoHash);
    await seeder.seed(other);
    assert.equal(tracker.tracker.scrape(other.infoHash)?.complete, 2);
    const before = seeder.stats().torrents;
    await seeder.unseed(other.infoHash);
    assert.equal(seeder.has(other.infoHash), false);
    assert.equal(seeder.stats().torrents, before - 1);
    // The peer TTL is 15 minutes: only a `stopped` announce empties the swarm this soon.
    await waitUntil('the trackers to drop the seeder', () => tracker.tracker.scrape(other.infoHash)?.complete === 0, 5000);
    await seeder.unseed(other.infoHash);
  });

  it('holds to its upload limit', { timeout: 60_000 }, async () => {
    const limit = 1024 * 1024;
    const limited = await Seeder.start({ peerPort: 0, uploadLimitBytesPerSecond: limit, logger: { log: () => undefined, warn: () => undefined, error: (m) => errors.push(m) } });
    try {
      const other = await makeVideo(join(work, 'videos'), 'limited.mp4', 3 * MiB, [tracker.announce.ws]);
      tracker.allow(other.infoHash);
      await limited.seed(other);
      const download = await downloadOverWebRtc(other.torrentFile, tracker.announce.ws, join(work, 'limited'), 30_000);
      assert.equal(download.sha256, other.sha256);
      // The limiter lets one second's worth through at once: 3 MiB take at least ~2 s.
      const seconds = (download.doneMs - download.connectedMs) / 1000;
      assert.ok(seconds >= 1.5, `3 MiB at ${limit} B/s took ${seconds} s`);
      console.log(`  3 MiB under a 1 MiB/s upload limit: ${seconds.toFixed(2)} s`);
    } finally {
      await limited.close();
    }
  });
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Seeder } from './seeder.js';
import {
  aria2Download,
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
 * A pod restart: the seeder is closed and a new one started on the same port and the same
 * files. It must seed again at once, without hashing the files again (a pod with a
 * terabyte of video would take an hour), and still serve correct bytes.
 */

const MiB = 1024 * 1024;
const quiet = { log: () => undefined, warn: () => undefined, error: (m: string) => console.error(m) };

async function sha1Milliseconds(path: string): Promise<number> {
  const started = performance.now();
  const hash = createHash('sha1');
  for await (const chunk of createReadStream(path, { highWaterMark: MiB })) hash.update(chunk as Buffer);
  hash.digest();
  return performance.now() - started;
}

describe('Seeder restart', () => {
  let tracker: TestTracker;
  let work: string;
  let big: TestVideo;
  let small: TestVideo;
  let seeder: Seeder | undefined;

  before(async () => {
    tracker = await startTestTracker({ rateLimit: false });
    work = mkdtempSync(join(tmpdir(), 'swarmtube-seeder-restart-'));
    mkdirSync(join(work, 'videos'));
    const announce = [tracker.announce.ws, tracker.announce.http, tracker.announce.udp];
    big = await makeVideo(join(work, 'videos'), 'big.mp4', 160 * MiB + 17, announce);
    small = await makeVideo(join(work, 'videos'), 'small.mp4', 5 * MiB + 99, announce);
    tracker.allow(big.infoHash);
    tracker.allow(small.infoHash);
  });

  after(async () => {
    await seeder?.close();
    await tracker?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('seeds again after a restart without reading, let alone hashing, the files; aria2c downloads again', { timeout: 120_000 }, async () => {
    const first = await Seeder.start({ peerPort: 0, logger: quiet });
    seeder = first;
    await first.seed(big);
    await first.seed(small);
    const port = first.port;
    await first.close();
    await waitUntil('close() to announce `stopped`', () => tracker.tracker.scrape(big.infoHash)?.complete === 0, 3000);

    const second = await Seeder.start({ peerPort: port, logger: quiet });
    seeder = second;
    assert.equal(second.port, port);
    // The time hashing the big file takes here, with its pages already cached: the
    // least a re-check could cost.
    const hashMs = await sha1Milliseconds(big.filePath);
    const started = performance.now();
    await second.seed(big);
    const seedMs = performance.now() - started;
    await second.seed(small);
    // Every byte webtorrent would hash goes through the seeder's file reads.
    assert.equal(second.stats().readBytes, 0, 'seed() read nothing from the files');
    assert.ok(seedMs < hashMs, `seed() of ${big.length} bytes took ${seedMs.toFixed(0)} ms; hashing them takes ${hashMs.toFixed(0)} ms`);
    console.log(`  seed() of 160 MiB after restart: ${seedMs.toFixed(0)} ms (SHA-1 of the file: ${hashMs.toFixed(0)} ms)`);
    assert.equal(tracker.tracker.scrape(big.infoHash)?.complete, 2);

    if (!HAS_ARIA2) return;
    const dir = join(work, 'aria2');
    mkdirSync(dir);
    const torrentPath = await writeTorrentFile(dir, 'small.torrent', withAnnounce(small.torrentFile, [tracker.announce.http]));
    const { code, log } = await aria2Download(torrentPath, join(dir, 'out'), { udp: false, timeoutMs: 60_000 });
    assert.equal(code, 0, `aria2c failed: ${log}`);
    assert.equal(await sha256File(join(dir, 'out', 'small.mp4')), small.sha256);
    assert.ok(second.stats().uploadedBytes >= small.length);
  });
});

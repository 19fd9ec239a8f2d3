import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SeedError, type SeedErrorCode } from './seed-error.js';
import { Seeder, type SeederStats } from './seeder.js';
import { makeVideo, startTestTracker, type TestTracker, type TestVideo } from './seeder-test-support.js';

/**
 * seed() refuses what it cannot seed honestly, with a typed error, and leaves nothing
 * behind: has() false, the same stats, nothing announced, and the video can still be
 * seeded once the problem is fixed.
 */

describe('Seeder refusals', () => {
  let tracker: TestTracker;
  let work: string;
  let seeder: Seeder;
  let video: TestVideo;

  before(async () => {
    tracker = await startTestTracker({ rateLimit: false });
    work = mkdtempSync(join(tmpdir(), 'swarmtube-seeder-refusals-'));
    mkdirSync(join(work, 'videos'));
    video = await makeVideo(join(work, 'videos'), 'video.mp4', 700_000, [tracker.announce.ws, tracker.announce.http, tracker.announce.udp]);
    tracker.allow(video.infoHash);
    seeder = await Seeder.start({ peerPort: 0, logger: { log: () => undefined, warn: () => undefined, error: () => undefined } });
  });

  after(async () => {
    await seeder?.close();
    await tracker?.close();
    rmSync(work, { recursive: true, force: true });
  });

  async function refused(attempt: Parameters<Seeder['seed']>[0], code: SeedErrorCode): Promise<void> {
    const before: SeederStats = seeder.stats();
    const announcesBefore = tracker.tracker.stats().announces;
    await assert.rejects(seeder.seed(attempt), (error: unknown) => {
      assert.ok(error instanceof SeedError, String(error));
      assert.equal(error.code, code, error.message);
      return true;
    });
    assert.equal(seeder.has(attempt.infoHash), false);
    assert.deepEqual(seeder.stats(), before);
    assert.deepEqual(tracker.tracker.stats().announces, announcesBefore, 'nothing announced');
  }

  it('refuses a missing file', async () => {
    await refused({ ...video, filePath: join(work, 'videos', 'gone', 'video.mp4') }, 'fileMissing');
    const moved = join(work, 'videos', 'moved.mp4');
    renameSync(video.filePath, moved);
    try {
      await refused(video, 'fileMissing');
    } finally {
      renameSync(moved, video.filePath);
    }
  });

  it('refuses a file whose size is not the torrent’s (changed since ingest)', async () => {
    const grown = await makeVideo(join(work, 'videos'), 'grown.mp4', 300_000, [tracker.announce.http]);
    appendFileSync(grown.filePath, randomBytes(1));
    await refused(grown, 'sizeMismatch');
  });

  it('refuses a directory where the file should be', async () => {
    const dir = join(work, 'videos', 'dir');
    mkdirSync(join(dir, 'video.mp4'), { recursive: true });
    await refused({ ...video, filePath: join(dir, 'video.mp4') }, 'notAFile');
  });

  it('refuses a garbage torrent, a torrent of another video, and a file of another name', async () => {
    await refused({ ...video, torrentFile: randomBytes(500) }, 'invalidTorrent');
    await refused({ ...video, torrentFile: Buffer.alloc(0) }, 'invalidTorrent');
    await refused({ ...video, torrentFile: video.torrentFile.subarray(0, video.torrentFile.length - 1) }, 'invalidTorrent');
    await refused({ ...video, infoHash: 'ab'.repeat(20) }, 'infoHashMismatch');
    await refused({ ...video, infoHash: 'not a hash' }, 'invalidInfoHash');
    await refused({ ...video, filePath: join(work, 'videos', 'other-name.mp4') }, 'nameMismatch');
  });

  it('unseed() of an unknown or malformed info-hash does nothing', async () => {
    const before = seeder.stats();
    await seeder.unseed('cd'.repeat(20));
    await seeder.unseed('nonsense');
    assert.deepEqual(seeder.stats(), before);
  });

  it('after all that, the same video seeds normally', async () => {
    await seeder.seed(video);
    assert.ok(seeder.has(video.infoHash));
    assert.equal(seeder.stats().torrents, 1);
    assert.equal(tracker.tracker.scrape(video.infoHash)?.complete, 2);
  });

  it('refuses everything once closed', async () => {
    const closing = await Seeder.start({ peerPort: 0, logger: { log: () => undefined, warn: () => undefined, error: () => undefined } });
    await closing.close();
    await assert.rejects(closing.seed(video), (error: unknown) => error instanceof SeedError && error.code === 'closed');
  });

  it('seed() calls still pending when the video is unseeded or the seeder closed reject, leaving nothing', async () => {
    const others = await Promise.all(
      [1, 2, 3].map((i) => makeVideo(join(work, 'videos'), `pending-${i}.mp4`, 200_000, [tracker.announce.ws, tracker.announce.http, tracker.announce.udp])),
    );
    for (const other of others) tracker.allow(other.infoHash);
    const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
    const one = await Seeder.start({ peerPort: 0, maxConcurrentStarts: 1, logger: quiet });
    const pending = others.map((other) => one.seed(other));
    const unseeded = one.unseed(others[1].infoHash);
    assert.equal(one.has(others[1].infoHash), false);
    await assert.rejects(pending[1], (error: unknown) => error instanceof SeedError && error.code === 'unseeded');
    await unseeded;
    await pending[0];
    const closed = one.close();
    await assert.rejects(pending[2], (error: unknown) => error instanceof SeedError && error.code === 'closed');
    await closed;
    assert.deepEqual(one.stats().torrents, 0);
    for (const other of others) assert.equal(one.has(other.infoHash), false);
  });

  it('refuses to start on a port already in use', async () => {
    await assert.rejects(Seeder.start({ peerPort: seeder.port, logger: { log: () => undefined, warn: () => undefined, error: () => undefined } }), (error: unknown) => {
      assert.ok(error instanceof SeedError);
      assert.match(error.message, /EADDRINUSE/);
      return true;
    });
  });
});

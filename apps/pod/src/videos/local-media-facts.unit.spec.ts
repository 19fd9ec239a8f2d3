import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { PodLog } from '../logger/pod-log.js';
import { LocalMediaFacts, NO_MEDIA_FACTS } from './local-media-facts.js';

/**
 * When the origin reads its files for a Video object: only for its own videos, once each, and
 * again after a while when something could not be read. The picture's probe is ffprobe on a
 * real file (video-object.int.spec.ts); here the file is missing, which fails before ffprobe.
 */

const dir = mkdtempSync(join(tmpdir(), 'swarmtube-media-facts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A JPEG's start: SOI, then a baseline frame header of 640x360. */
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 8, 0x01, 0x68, 0x02, 0x80, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
const quiet = PodLog.silent();

function facts(local: string[], clock = { now: 0 }) {
  const registry = {
    hasVideo: (uuid: string) => local.includes(uuid),
    video: (uuid: string) => (local.includes(uuid) ? { uuid, infoHash: '0'.repeat(40), filePath: join(dir, `${uuid}.mp4`), torrentPath: '' } : undefined),
  };
  const storage = { thumbnailPath: (uuid: string) => join(dir, `${uuid}.jpg`) };
  return new LocalMediaFacts(registry, storage, quiet, () => clock.now);
}

describe('LocalMediaFacts', () => {
  test('another pod\'s video (or a deleted one): no facts, and no file read', async () => {
    writeFileSync(join(dir, 'theirs.jpg'), JPEG);
    assert.deepEqual(await facts([]).of('theirs'), NO_MEDIA_FACTS);
  });

  test('the thumbnail\'s size from its header; a file that cannot be probed is no picture', async () => {
    writeFileSync(join(dir, 'mine.jpg'), JPEG);
    assert.deepEqual(await facts(['mine']).of('mine'), { thumbnail: { width: 640, height: 360 }, picture: null });
  });

  test('read once while complete; what could not be read is tried again a minute later', async () => {
    const clock = { now: 0 };
    const source = facts(['later'], clock);
    const first = source.of('later');
    assert.equal(source.of('later'), first, 'concurrent requests share one reading');
    assert.deepEqual(await first, { thumbnail: null, picture: null });
    await new Promise((resolve) => setImmediate(resolve));
    clock.now = 59_000;
    assert.equal(source.of('later'), first, 'not before a minute');
    writeFileSync(join(dir, 'later.jpg'), JPEG);
    clock.now = 61_000;
    assert.deepEqual((await source.of('later')).thumbnail, { width: 640, height: 360 });
  });
});

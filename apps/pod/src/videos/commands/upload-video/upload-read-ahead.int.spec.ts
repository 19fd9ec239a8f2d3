import assert from 'node:assert/strict';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import { h264AacMp4MoovAtEnd, h264BaselineAacMp4Faststart } from '@swarmtube/testing';
import { waitUntil } from '@swarmtube/testing';
import { makeThumbnail, probeMedia } from '../../media/index.js';
import { keepWhatHolds, UploadReadAhead } from './upload-read-ahead.js';

/**
 * The read ahead against the real tools: an upload written in small pieces, as it arrives,
 * and what ffprobe and ffmpeg made of it before its end compared with what they make of the
 * whole file.
 */

const folders: string[] = [];
after(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));
function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'swarmtube-read-ahead-'));
  folders.push(folder);
  return folder;
}
const uploadPath = () => join(tempFolder(), 'upload.part');

const CHUNK = 16 * 1024;

/**
 * Writes `bytes` to `path` through the read ahead's tap, in small pieces; before the byte
 * at `pauseAt` it waits for `whilePaused`, as a slow upload would keep the tools waiting.
 */
async function upload(path: string, readAhead: UploadReadAhead, bytes: Buffer, pauseAt = bytes.length, whilePaused: () => Promise<unknown> = async () => undefined): Promise<void> {
  async function* arriving() {
    for (let offset = 0; offset < bytes.length; offset += CHUNK) {
      if (offset <= pauseAt && pauseAt < offset + CHUNK) {
        if (pauseAt > offset) yield bytes.subarray(offset, pauseAt);
        await sleep(20); // the write stream has the bytes on disk
        await whilePaused();
        yield bytes.subarray(pauseAt, offset + CHUNK);
      } else {
        yield bytes.subarray(offset, offset + CHUNK);
      }
    }
  }
  await pipeline(Readable.from(arriving()), readAhead.tap(), createWriteStream(path, { flags: 'wx' }));
}

/** Its keyframe at 7 s is the thumbnail's (a third of the way in), a third of the way through the file. */
const SECONDS = 20;
const faststart = async () => readFileSync(await h264BaselineAacMp4Faststart({ seconds: SECONDS }));

describe('UploadReadAhead', () => {
  test('a faststart MP4: probed and thumbnailed before its end, exactly as the whole file is', async () => {
    const source = await faststart();
    const path = uploadPath();
    const readAhead = new UploadReadAhead(path, { lookEveryBytes: CHUNK });
    // The last tenth waits until the thumbnail is made: the tools need what comes before it only.
    await upload(path, readAhead, source, Math.floor(source.length * 0.9), () =>
      waitUntil('the thumbnail made ahead', async () => existsSync(`${path}.jpg`) || undefined, 20_000, 20),
    );
    const settled = await keepWhatHolds(path, await readAhead.settle());
    assert.ok(settled.described, 'ffprobe ran ahead');
    assert.equal(settled.thumbnailPath, `${path}.jpg`);

    assert.deepEqual(await probeMedia(path, { describedAhead: settled.described }), await probeMedia(path), 'the probe of the whole file');
    const afterEnd = join(path, '..', 'after-the-end.jpg');
    await makeThumbnail(path, afterEnd, { durationSeconds: SECONDS });
    assert.ok(readFileSync(settled.thumbnailPath).equals(readFileSync(afterEnd)), 'the same JPEG, byte for byte');
  });

  test('an MP4 with its index at the end: nothing is read ahead, nothing is left', async () => {
    const source = readFileSync(await h264AacMp4MoovAtEnd({ seconds: SECONDS }));
    const path = uploadPath();
    const readAhead = new UploadReadAhead(path, { lookEveryBytes: CHUNK });
    await upload(path, readAhead, source);
    assert.deepEqual(await readAhead.settle(), { described: null, thumbnailPath: null });
    assert.deepEqual(readdirSync(join(path, '..')), ['upload.part']);
  });

  test('boxes after the media data the tools did not see ahead: what was read ahead is dropped, its thumbnail removed', async () => {
    const udta = Buffer.alloc(16);
    udta.writeUInt32BE(16, 0);
    udta.write('udta', 4, 'latin1');
    const source = Buffer.concat([await faststart(), udta]);
    const path = uploadPath();
    const readAhead = new UploadReadAhead(path, { lookEveryBytes: CHUNK });
    await upload(path, readAhead, source, Math.floor(source.length * 0.9), () =>
      waitUntil('the thumbnail made ahead', async () => existsSync(`${path}.jpg`) || undefined, 20_000, 20),
    );
    const settled = await readAhead.settle();
    assert.ok(settled.described && settled.thumbnailPath);
    assert.deepEqual(await keepWhatHolds(path, settled), { described: null, thumbnailPath: null });
    assert.deepEqual(readdirSync(join(path, '..')), ['upload.part']);
  });

  test('an upload refused midway: the tools waiting for its bytes are stopped, nothing is left', async () => {
    const source = await faststart();
    const path = uploadPath();
    const readAhead = new UploadReadAhead(path, { lookEveryBytes: CHUNK });
    // Cut before the thumbnail's frame: the thumbnail's ffmpeg is left waiting for bytes.
    await upload(path, readAhead, source.subarray(0, Math.floor(source.length * 0.2)));
    await sleep(300);
    const started = Date.now();
    await readAhead.discard();
    assert.ok(Date.now() - started < 5_000, 'stopped at once, not at the tools’ timeout');
    assert.deepEqual(readdirSync(join(path, '..')), ['upload.part']);
  });
});

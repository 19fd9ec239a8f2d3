import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import * as fixtures from '@swarmtube/testing';
import { makeThumbnail } from './make-thumbnail.js';
import { MediaError } from './media-error.js';

const folders: string[] = [];
after(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));
function outputFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'swarmtube-thumbnail-'));
  folders.push(folder);
  return folder;
}

/** What ffprobe sees in a picture (probeMedia rightly refuses pictures). */
async function picture(path: string): Promise<{ codec: string; width: number; height: number }> {
  const { stdout } = await promisify(execFile)('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_streams', path]);
  const [stream] = JSON.parse(stdout).streams;
  return { codec: stream.codec_name, width: stream.width, height: stream.height };
}

function assertJpeg(path: string): void {
  assert.deepEqual([...readFileSync(path).subarray(0, 3)], [0xff, 0xd8, 0xff], 'JPEG magic bytes');
}

describe('makeThumbnail', () => {
  test('a JPEG of the asked width, in the video’s proportions', async () => {
    const output = join(outputFolder(), 'thumbnail.jpg');
    await makeThumbnail(await fixtures.h264AacMp4Faststart({ seconds: 6 }), output, { durationSeconds: 6, width: 160 });
    assertJpeg(output);
    assert.deepEqual(await picture(output), { codec: 'mjpeg', width: 160, height: 120 });
    assert.deepEqual(readdirSync(join(output, '..')), ['thumbnail.jpg']);
  });

  test('640 pixels wide unless asked otherwise, also from a WebM', async () => {
    const output = join(outputFolder(), 'thumbnail.jpg');
    await makeThumbnail(await fixtures.vp9OpusWebm(), output, { durationSeconds: 2 });
    assertJpeg(output);
    assert.deepEqual(await picture(output), { codec: 'mjpeg', width: 640, height: 480 });
  });

  test('a video shorter than a second, or a duration that overstates it, still gets a thumbnail', async () => {
    const folder = outputFolder();
    await makeThumbnail(await fixtures.h264AacMp4Faststart({ seconds: 0.5 }), join(folder, 'short.jpg'), { durationSeconds: 0.5, width: 160 });
    assertJpeg(join(folder, 'short.jpg'));
    await makeThumbnail(await fixtures.h264AacMp4Faststart({ seconds: 2 }), join(folder, 'overstated.jpg'), { durationSeconds: 600, width: 160 });
    assertJpeg(join(folder, 'overstated.jpg'));
  });

  test('a file with no picture: thumbnail-failed, and no file at all', async () => {
    const folder = outputFolder();
    let caught: unknown;
    await makeThumbnail(await fixtures.textFile(), join(folder, 'thumbnail.jpg'), { durationSeconds: 10 }).catch((error) => (caught = error));
    assert.ok(caught instanceof MediaError);
    assert.equal(caught.code, 'thumbnail-failed');
    assert.deepEqual(readdirSync(folder), []);
  });
});

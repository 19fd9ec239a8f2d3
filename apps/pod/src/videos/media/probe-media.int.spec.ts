import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as fixtures from '@swarmtube/testing';
import { MediaError, type MediaErrorCode } from './media-error.js';
import { planProcessing } from './plan-processing.js';
import { probeMedia } from './probe-media.js';

async function refused(path: string, code: MediaErrorCode, options = { timeoutMs: 30_000 }): Promise<MediaError> {
  let caught: unknown;
  await probeMedia(path, options).then(
    (probe) => assert.fail(`expected ${code}, got a probe of ${probe.container}`),
    (error) => (caught = error),
  );
  assert.ok(caught instanceof MediaError, `expected a MediaError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

describe('probeMedia and planProcessing on real files', () => {
  test('H.264/AAC MP4 with its index first: described, and kept as it is', async () => {
    const path = await fixtures.h264AacMp4Faststart({ seconds: 2 });
    const probe = await probeMedia(path);
    assert.equal(probe.container, 'mp4');
    assert.ok(probe.formatNames.includes('mp4'));
    assert.deepEqual(probe.video, { index: 0, codec: 'h264', width: 320, height: 240, pixFmt: 'yuv420p', profile: 'High', frameRate: 25 });
    assert.equal(probe.audio?.codec, 'aac');
    assert.ok(Math.abs(probe.durationSeconds - 2) < 0.1, `duration ${probe.durationSeconds}`);
    assert.ok(probe.sizeBytes > 0 && probe.bitRate !== null && probe.bitRate > 0);
    const plan = planProcessing(probe, path);
    assert.deepEqual([plan.action, plan.mimeType, plan.extension], ['keep', 'video/mp4', 'mp4']);
  });

  const expected: Array<[string, () => Promise<string>, string, string, string]> = [
    ['H.264/AAC MP4 with its index at the end', fixtures.h264AacMp4MoovAtEnd, 'mp4', 'remux', 'video/mp4'],
    ['VP9/Opus WebM', fixtures.vp9OpusWebm, 'webm', 'keep', 'video/webm'],
    ['VP9/Opus in Matroska', fixtures.vp9OpusMkv, 'matroska', 'remux', 'video/webm'],
    ['H.264/AAC in Matroska', fixtures.h264AacMkv, 'matroska', 'remux', 'video/mp4'],
    ['H.264 4:4:4 MP4', fixtures.h264Yuv444Mp4, 'mp4', 'transcode', 'video/mp4'],
    ['MPEG-4/MP3 AVI', fixtures.mpeg4Mp3Avi, 'avi', 'transcode', 'video/mp4'],
  ];
  for (const [name, make, container, action, mimeType] of expected) {
    test(`${name}: ${container}, ${action} to ${mimeType}`, async () => {
      const path = await make();
      const probe = await probeMedia(path);
      assert.equal(probe.container, container);
      assert.equal(probe.video.width, 320);
      assert.ok(Math.abs(probe.durationSeconds - 2) < 0.1, `duration ${probe.durationSeconds}`);
      assert.equal(probe.durationInHeader, true);
      const plan = planProcessing(probe, path);
      assert.deepEqual([plan.action, plan.mimeType], [action, mimeType], plan.reason);
    });
  }

  test('WebM written live (MediaRecorder-style, no duration in its header): timed from its packets, rewritten as WebM', async () => {
    const path = await fixtures.vp9OpusWebmLive({ seconds: 2 });
    const probe = await probeMedia(path);
    assert.equal(probe.container, 'webm');
    assert.equal(probe.durationInHeader, false);
    assert.ok(Math.abs(probe.durationSeconds - 2) < 0.1, `duration ${probe.durationSeconds}`);
    const plan = planProcessing(probe, path);
    assert.deepEqual([plan.action, plan.mimeType], ['remux', 'video/webm'], plan.reason);
  });
});

describe('probeMedia refuses what is not a whole video', () => {
  test('a text file (ffmpeg would render a .txt as a video of text)', async () => {
    await refused(await fixtures.textFile(), 'not-a-video');
  });

  test('a PNG and a JPEG picture', async () => {
    await refused(await fixtures.pngImage(), 'not-a-video');
    await refused(await fixtures.jpegImage(), 'not-a-video');
  });

  test('audio only: MP3, M4A, and M4A with cover art', async () => {
    await refused(await fixtures.audioOnlyMp3(), 'not-a-video');
    const m4a = await refused(await fixtures.audioOnlyM4a(), 'not-a-video');
    assert.match(m4a.message, /only audio/);
    await refused(await fixtures.audioWithCoverArtM4a(), 'not-a-video');
  });

  test('a playlist that points at another file is not followed', async () => {
    const error = await refused(await fixtures.hlsPlaylistOf(await fixtures.h264AacMp4Faststart()), 'not-a-video');
    assert.match(error.message, /hls/);
  });

  test('an empty file', async () => {
    await refused(await fixtures.zeroByteFile(), 'empty-file');
  });

  const originals: Array<[string, () => Promise<string>]> = [
    ['MP4 with its index first', fixtures.h264AacMp4Faststart],
    ['MP4 with its index at the end', fixtures.h264AacMp4MoovAtEnd],
    ['WebM', fixtures.vp9OpusWebm],
    ['Matroska', fixtures.h264AacMkv],
    ['AVI', fixtures.mpeg4Mp3Avi],
    ['WebM written live (no length in its header)', fixtures.vp9OpusWebmLive],
  ];
  for (const [name, make] of originals) {
    for (const fraction of [0.5, 0.1]) {
      test(`${name} cut to its first ${fraction * 100}%`, async () => {
        const error = await refused(await fixtures.truncatedCopy(await make(), fraction), 'truncated-media');
        assert.match(error.message, /incomplete/);
      });
    }
  }

  test('an MP4 recording that stopped before its index was written', async () => {
    const error = await refused(await fixtures.unfinishedMp4Recording(), 'truncated-media');
    assert.match(error.message, /no index/);
  });

  test('a path with no file says so, by name', async () => {
    const error = await refused(join(await fixtures.h264AacMp4Faststart(), '..', 'no-such-upload.part'), 'file-not-found');
    assert.match(error.message, /no-such-upload\.part/);
  });

  test('ffprobe is stopped when it takes longer than allowed', async () => {
    const started = Date.now();
    await refused(await fixtures.h264AacMp4Faststart(), 'media-timeout', { timeoutMs: 1 });
    assert.ok(Date.now() - started < 5_000);
  });
});

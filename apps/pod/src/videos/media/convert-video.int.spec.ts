import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import * as fixtures from '@swarmtube/testing';
import { convertVideo } from './convert-video.js';
import { MediaError, type MediaErrorCode } from './media-error.js';
import { readMp4Layout } from './mp4-layout.js';
import { planProcessing } from './plan-processing.js';
import { probeMedia } from './probe-media.js';

const folders: string[] = [];
after(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));
function outputFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'swarmtube-convert-'));
  folders.push(folder);
  return folder;
}

async function failure(run: Promise<unknown>, code: MediaErrorCode): Promise<MediaError> {
  let caught: unknown;
  await run.then(() => assert.fail(`expected ${code}`), (error) => (caught = error));
  assert.ok(caught instanceof MediaError, `expected a MediaError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

async function convertAndProbe(source: string, extension: string) {
  const sourceProbe = await probeMedia(source);
  const plan = planProcessing(sourceProbe, source);
  const output = join(outputFolder(), `video.${extension}`);
  const progress: number[] = [];
  await convertVideo(source, output, plan, { onProgress: (f) => progress.push(f) });
  const probe = await probeMedia(output);
  return { sourceProbe, plan, output, probe, progress, finalPlan: planProcessing(probe, output) };
}

function assertGrowingToOne(progress: number[]): void {
  assert.equal(progress.at(-1), 1, `progress ${progress.join(', ')}`);
  for (let i = 1; i < progress.length; i++) assert.ok(progress[i] > progress[i - 1], `progress ${progress.join(', ')}`);
}

describe('convertVideo', () => {
  test('transcodes MPEG-4/MP3 AVI to a faststart H.264/AAC MP4 of the same length, reporting progress', async () => {
    const { plan, probe, output, progress, sourceProbe, finalPlan } = await convertAndProbe(await fixtures.mpeg4Mp3Avi({ seconds: 20 }), 'mp4');
    assert.equal(plan.action, 'transcode');
    assert.equal(probe.container, 'mp4');
    assert.equal(probe.video.codec, 'h264');
    assert.equal(probe.video.pixFmt, 'yuv420p');
    assert.equal(probe.audio?.codec, 'aac');
    assert.equal(readMp4Layout(output)?.moovBeforeMdat, true);
    assert.ok(Math.abs(probe.durationSeconds - sourceProbe.durationSeconds) < 0.5, `${probe.durationSeconds} vs ${sourceProbe.durationSeconds}`);
    assert.equal(finalPlan.action, 'keep', 'the result needs no further processing');
    assertGrowingToOne(progress);
    assert.ok(progress.length >= 2, `progress was reported along the way: ${progress.join(', ')}`);
    assert.deepEqual(readdirSync(join(output, '..')), ['video.mp4'], 'no temporary file is left');
  });

  test('remuxes an MP4 with its index at the end into a faststart MP4, streams untouched', async () => {
    const { plan, probe, output, progress, sourceProbe, finalPlan } = await convertAndProbe(await fixtures.h264AacMp4MoovAtEnd(), 'mp4');
    assert.equal(plan.action, 'remux');
    assert.equal(readMp4Layout(output)?.moovBeforeMdat, true);
    assert.deepEqual(probe.video, sourceProbe.video);
    assert.ok(Math.abs(probe.durationSeconds - sourceProbe.durationSeconds) < 0.1);
    assert.equal(finalPlan.action, 'keep');
    assertGrowingToOne(progress);
  });

  test('remuxes H.264/AAC Matroska to MP4 and VP9/Opus Matroska to WebM', async () => {
    const mp4 = await convertAndProbe(await fixtures.h264AacMkv(), 'mp4');
    assert.deepEqual([mp4.plan.action, mp4.probe.container, mp4.finalPlan.action], ['remux', 'mp4', 'keep']);
    const webm = await convertAndProbe(await fixtures.vp9OpusMkv(), 'webm');
    assert.deepEqual([webm.plan.action, webm.probe.container, webm.finalPlan.action], ['remux', 'webm', 'keep']);
    assert.equal(webm.probe.audio?.codec, 'opus');
  });

  test('remuxes a WebM written live into one that states its duration', async () => {
    const { plan, probe, sourceProbe, finalPlan } = await convertAndProbe(await fixtures.vp9OpusWebmLive(), 'webm');
    assert.equal(plan.action, 'remux');
    assert.equal(probe.durationInHeader, true);
    assert.ok(Math.abs(probe.durationSeconds - sourceProbe.durationSeconds) < 0.1, `${probe.durationSeconds} vs ${sourceProbe.durationSeconds}`);
    assert.equal(finalPlan.action, 'keep');
  });

  test('aborted mid-transcode: no output, no temporary file', async () => {
    const source = await fixtures.mpeg4Mp3Avi({ seconds: 20 });
    const plan = planProcessing(await probeMedia(source), source);
    const folder = outputFolder();
    const controller = new AbortController();
    const progress: number[] = [];
    const run = convertVideo(source, join(folder, 'video.mp4'), plan, {
      signal: controller.signal,
      onProgress: (f) => {
        progress.push(f);
        if (f > 0) controller.abort();
      },
    });
    await failure(run, 'cancelled');
    assert.ok(progress.length > 0 && progress.every((f) => f < 1), `stopped part way: ${progress.join(', ')}`);
    assert.deepEqual(readdirSync(folder), []);
  });

  test('a signal aborted before the start: nothing runs, nothing is written', async () => {
    const source = await fixtures.h264AacMp4MoovAtEnd();
    const plan = planProcessing(await probeMedia(source), source);
    const folder = outputFolder();
    await failure(convertVideo(source, join(folder, 'video.mp4'), plan, { signal: AbortSignal.abort() }), 'cancelled');
    assert.deepEqual(readdirSync(folder), []);
  });

  test('ffmpeg failing: transcode-failed, with what ffmpeg said but no server path, and no file left', async () => {
    const source = await fixtures.mpeg4Mp3Avi();
    const plan = planProcessing(await probeMedia(source), source);
    const folder = outputFolder();
    // The upload replaced by something unreadable between the probe and the conversion.
    const error = await failure(convertVideo(await fixtures.textFile(), join(folder, 'video.mp4'), plan), 'transcode-failed');
    assert.match(error.message, /whitelist|Invalid/);
    assert.doesNotMatch(error.message, new RegExp(folder));
    assert.ok(error.stderr && error.stderr.length > 0);
    assert.deepEqual(readdirSync(folder), []);
  });

  test('a conversion over its time limit is stopped and leaves nothing', async () => {
    const source = await fixtures.h264AacMp4MoovAtEnd();
    const plan = planProcessing(await probeMedia(source), source);
    const folder = outputFolder();
    await failure(convertVideo(source, join(folder, 'video.mp4'), plan, { timeoutMs: 1 }), 'media-timeout');
    assert.deepEqual(readdirSync(folder), []);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { choosePlan } from './plan-processing.js';
import type { Container, MediaProbe } from './probe-media.js';

function probe(container: Container, video: string, audio: string | null, extra: Partial<MediaProbe['video']> = {}): MediaProbe {
  const [codec, profile] = video.split('/');
  return {
    durationSeconds: 12.5,
    durationInHeader: true,
    formatNames: [],
    container,
    video: { index: 0, codec, width: 1280, height: 720, pixFmt: 'yuv420p', ...(profile ? { profile } : {}), ...extra },
    audio: audio ? { index: 1, codec: audio } : null,
    bitRate: 1_000_000,
    sizeBytes: 1_500_000,
  };
}

const FASTSTART = { moovBeforeMdat: true };
const MOOV_AT_END = { moovBeforeMdat: false };
const NOT_MP4 = { moovBeforeMdat: null };

describe('planProcessing: keep, remux or transcode', () => {
  const cases: Array<[string, MediaProbe, { moovBeforeMdat: boolean | null }, string, string]> = [
    ['H.264 High + AAC MP4, faststart', probe('mp4', 'h264/High', 'aac'), FASTSTART, 'keep', 'mp4'],
    ['H.264 Main, no audio, faststart', probe('mp4', 'h264/Main', null), FASTSTART, 'keep', 'mp4'],
    ['H.264 Constrained Baseline + AAC, faststart', probe('mp4', 'h264/Constrained Baseline', 'aac'), FASTSTART, 'keep', 'mp4'],
    ['H.264 + AAC MP4, moov at the end', probe('mp4', 'h264/High', 'aac'), MOOV_AT_END, 'remux', 'mp4'],
    ['H.264 + AAC MP4 whose layout could not be read', probe('mp4', 'h264/High', 'aac'), NOT_MP4, 'remux', 'mp4'],
    ['H.264 + AAC QuickTime MOV', probe('mov', 'h264/High', 'aac'), NOT_MP4, 'remux', 'mp4'],
    ['H.264 + AAC Matroska', probe('matroska', 'h264/Main', 'aac'), NOT_MP4, 'remux', 'mp4'],
    ['VP9 + Opus WebM', probe('webm', 'vp9/Profile 0', 'opus'), NOT_MP4, 'keep', 'webm'],
    ['VP8 + Vorbis WebM', probe('webm', 'vp8', 'vorbis'), NOT_MP4, 'keep', 'webm'],
    ['AV1 WebM, no audio', probe('webm', 'av1/Main', null), NOT_MP4, 'keep', 'webm'],
    ['VP9 + Opus in Matroska', probe('matroska', 'vp9/Profile 0', 'opus'), NOT_MP4, 'remux', 'webm'],
    ['VP8 + Opus WebM recorded live, no duration in its header', { ...probe('webm', 'vp8', 'opus'), durationInHeader: false }, NOT_MP4, 'remux', 'webm'],
    ['H.264 + AAC faststart MP4 with no duration in its header', { ...probe('mp4', 'h264/High', 'aac'), durationInHeader: false }, FASTSTART, 'remux', 'mp4'],
    ['H.264 + MP3 MP4 (MP3 is not AAC)', probe('mp4', 'h264/High', 'mp3'), FASTSTART, 'transcode', 'mp4'],
    ['H.264 High 10 (10-bit)', probe('mp4', 'h264/High 10', 'aac', { pixFmt: 'yuv420p10le' }), FASTSTART, 'transcode', 'mp4'],
    ['H.264 4:4:4', probe('mp4', 'h264/High 4:4:4 Predictive', 'aac', { pixFmt: 'yuv444p' }), FASTSTART, 'transcode', 'mp4'],
    ['H.264 full-range 4:2:2', probe('mp4', 'h264/High 4:2:2', 'aac', { pixFmt: 'yuv422p' }), FASTSTART, 'transcode', 'mp4'],
    ['HEVC + AAC MP4', probe('mp4', 'hevc/Main', 'aac'), FASTSTART, 'transcode', 'mp4'],
    ['VP9 + AAC in MP4 container', probe('mp4', 'vp9/Profile 0', 'aac'), FASTSTART, 'transcode', 'mp4'],
    ['VP9 10-bit WebM', probe('webm', 'vp9/Profile 2', 'opus', { pixFmt: 'yuv420p10le' }), NOT_MP4, 'transcode', 'mp4'],
    ['VP9 + AAC in WebM-like Matroska', probe('matroska', 'vp9/Profile 0', 'aac'), NOT_MP4, 'transcode', 'mp4'],
    ['H.264 + AAC in AVI (no reliable timestamps)', probe('avi', 'h264/High', 'aac'), NOT_MP4, 'transcode', 'mp4'],
    ['MPEG-4 Part 2 + MP3 AVI', probe('avi', 'mpeg4/Simple Profile', 'mp3'), NOT_MP4, 'transcode', 'mp4'],
    ['Theora + Vorbis Ogg', probe('ogg', 'theora', 'vorbis'), NOT_MP4, 'transcode', 'mp4'],
    ['MPEG-2 in MPEG-TS', probe('mpegts', 'mpeg2video/Main', 'mp2'), NOT_MP4, 'transcode', 'mp4'],
  ];
  for (const [name, input, layout, action, container] of cases) {
    test(`${name} → ${action} to ${container}`, () => {
      const plan = choosePlan(input, layout);
      assert.equal(plan.action, action);
      assert.equal(plan.container, container);
      assert.equal(plan.extension, container);
      assert.equal(plan.mimeType, `video/${container}`);
    });
  }

  test('the plan carries what a conversion needs: duration and the streams to keep', () => {
    const plan = choosePlan({ ...probe('avi', 'mpeg4', 'mp3'), video: { index: 2, codec: 'mpeg4', width: 320, height: 240, pixFmt: 'yuv420p' }, audio: { index: 0, codec: 'mp3' } }, NOT_MP4);
    assert.deepEqual(
      { durationSeconds: plan.durationSeconds, video: plan.videoStreamIndex, audio: plan.audioStreamIndex },
      { durationSeconds: 12.5, video: 2, audio: 0 },
    );
    assert.equal(choosePlan(probe('mp4', 'h264/High', null), FASTSTART).audioStreamIndex, null);
  });
});

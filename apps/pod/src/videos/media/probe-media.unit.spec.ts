import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ContainerLayout } from './container-layout.js';
import { MediaError } from './media-error.js';
import { interpretProbe, type FfprobeOutput } from './probe-media.js';

const UNKNOWN: ContainerLayout = { kind: 'unknown', complete: true };
const noFlags = { attached_pic: 0, still_image: 0, timed_thumbnails: 0 };
const h264 = { index: 0, codec_type: 'video', codec_name: 'h264', profile: 'High', pix_fmt: 'yuv420p', width: 320, height: 240, disposition: noFlags };
const aac = { index: 1, codec_type: 'audio', codec_name: 'aac', profile: 'LC', disposition: noFlags };
const mp4Format = { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '2.000000', bit_rate: '773352', tags: { major_brand: 'isom' } };

function read(output: FfprobeOutput, layout: ContainerLayout = UNKNOWN, warnings = '') {
  return interpretProbe(output, { sizeBytes: 193_338, layout, warnings });
}

function refusal(output: FfprobeOutput, layout: ContainerLayout = UNKNOWN, warnings = ''): MediaError {
  try {
    read(output, layout, warnings);
  } catch (error) {
    assert.ok(error instanceof MediaError, `expected a MediaError, got ${String(error)}`);
    return error;
  }
  assert.fail('the probe was accepted');
}

describe('interpretProbe', () => {
  test('an H.264/AAC MP4', () => {
    assert.deepEqual(read({ format: mp4Format, streams: [h264, aac] }), {
      durationSeconds: 2,
      durationInHeader: true,
      formatNames: ['mov', 'mp4', 'm4a', '3gp', '3g2', 'mj2'],
      container: 'mp4',
      video: { index: 0, codec: 'h264', width: 320, height: 240, pixFmt: 'yuv420p', profile: 'High' },
      audio: { index: 1, codec: 'aac', profile: 'LC' },
      bitRate: 773352,
      sizeBytes: 193_338,
    });
  });

  test('the frame rate is the one ffprobe states, and left out when it states none', () => {
    const rate = (avg_frame_rate: string) => read({ format: mp4Format, streams: [{ ...h264, avg_frame_rate }] }).video.frameRate;
    assert.equal(rate('25/1'), 25);
    assert.equal(rate('30000/1001'), 29.97);
    assert.equal(rate('0/0'), undefined);
    assert.equal(rate('1/0'), undefined);
    assert.equal(rate(''), undefined);
  });

  test('QuickTime is told from MP4 by its brand, WebM from Matroska by its DocType', () => {
    assert.equal(read({ format: { ...mp4Format, tags: { major_brand: 'qt  ' } }, streams: [h264] }).container, 'mov');
    const mkv = { format_name: 'matroska,webm', duration: '2.0' };
    const vp9 = { ...h264, codec_name: 'vp9', profile: 'Profile 0' };
    assert.equal(read({ format: mkv, streams: [vp9] }, { kind: 'matroska', complete: true, docType: 'webm' }).container, 'webm');
    assert.equal(read({ format: mkv, streams: [vp9] }, { kind: 'matroska', complete: true, docType: 'matroska' }).container, 'matroska');
  });

  test('the duration of the video stream stands in when the container has none', () => {
    assert.equal(read({ format: { format_name: 'avi' }, streams: [{ ...h264, duration: '4.5' }] }).durationSeconds, 4.5);
  });

  test('a duration measured from the packets stands in when the header states none, and says so', () => {
    const probe = interpretProbe({ format: { format_name: 'matroska,webm' }, streams: [h264] }, { sizeBytes: 1, layout: UNKNOWN, measuredDurationSeconds: 2.96 });
    assert.deepEqual([probe.durationSeconds, probe.durationInHeader], [2.96, false]);
  });

  test('audio only is not a video', () => {
    const error = refusal({ format: mp4Format, streams: [aac] });
    assert.equal(error.code, 'not-a-video');
    assert.match(error.message, /only audio/);
  });

  test('audio with cover art is not a video: the cover is an attached picture', () => {
    const cover = { ...h264, index: 1, codec_name: 'png', disposition: { ...noFlags, attached_pic: 1 } };
    assert.equal(refusal({ format: mp4Format, streams: [{ ...aac, index: 0 }, cover] }).code, 'not-a-video');
  });

  test('still images and text rendered as video are not videos', () => {
    for (const format_name of ['image2', 'png_pipe', 'jpeg_pipe', 'tty', 'gif']) {
      const error = refusal({ format: { format_name, duration: '0.04' }, streams: [{ ...h264, codec_name: 'mjpeg' }] });
      assert.equal(error.code, 'not-a-video', format_name);
    }
  });

  test('a video stream without duration is a single picture, not a video', () => {
    assert.equal(refusal({ format: { ...mp4Format, duration: undefined }, streams: [h264] }).code, 'not-a-video');
    assert.equal(refusal({ format: { ...mp4Format, duration: '0.000000' }, streams: [h264] }).code, 'not-a-video');
  });

  test('no streams at all is not a video', () => {
    assert.equal(refusal({ format: mp4Format, streams: [] }).code, 'not-a-video');
  });

  test('a Matroska file that ends before its clusters is truncated', () => {
    const error = refusal({ format: { format_name: 'matroska,webm', duration: '2.0' }, streams: [h264] }, UNKNOWN, '[matroska,webm @ 0x5638] File ended prematurely\n');
    assert.equal(error.code, 'truncated-media');
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bufferSource } from './byte-source.js';
import { restateBitRate } from './probe-media.js';
import { holdsFor, readinessOf } from './read-ahead.js';

function box(type: string, bodyLength: number): Buffer {
  const b = Buffer.alloc(8 + bodyLength);
  b.writeUInt32BE(8 + bodyLength, 0);
  b.write(type, 4, 'latin1');
  return b;
}

const bytes = (...boxes: Buffer[]) => Buffer.concat(boxes);
/** The first `length` bytes: the part of an upload written so far. */
const prefix = (whole: Buffer, length: number) => bufferSource(whole.subarray(0, length));

describe('readAheadReadiness: the part of an upload written so far', () => {
  const faststart = bytes(box('ftyp', 16), box('moov', 400), box('mdat', 5000));

  test('ready once the index has arrived whole and the media data has begun', () => {
    assert.equal(readinessOf(prefix(faststart, 24 + 408 + 8)), 'ready');
    assert.equal(readinessOf(prefix(faststart, 3000)), 'ready');
  });

  test('waits while the index is still arriving, or before its media data begins', () => {
    assert.equal(readinessOf(prefix(faststart, 8)), 'wait');
    assert.equal(readinessOf(prefix(faststart, 200)), 'wait');
    assert.equal(readinessOf(prefix(faststart, 24 + 408)), 'wait');
  });

  test('never for an MP4 with its index after the media data', () => {
    assert.equal(readinessOf(prefix(bytes(box('ftyp', 16), box('mdat', 5000), box('moov', 400)), 3000)), 'never');
  });

  test('never for what is no MP4, or stops being boxes', () => {
    assert.equal(readinessOf(bufferSource(Buffer.from('\x1aE\xdf\xa3 this could be Matroska, or anything else'))), 'never');
    const notABoxHeader = Buffer.from([0, 0, 0, 16, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(readinessOf(bufferSource(Buffer.concat([box('ftyp', 16), notABoxHeader]))), 'never');
  });
});

describe('readAheadHolds: the whole file reads as what was read ahead', () => {
  test('a faststart MP4 whose media data is the last box, or followed by free space only', () => {
    assert.equal(holdsFor(bufferSource(bytes(box('ftyp', 16), box('moov', 400), box('mdat', 5000)))), true);
    assert.equal(holdsFor(bufferSource(bytes(box('ftyp', 16), box('free', 8), box('moov', 400), box('mdat', 5000), box('free', 8), box('skip', 0)))), true);
  });

  test('not when boxes the demuxer reads follow the media data (ffprobe did not see them ahead)', () => {
    for (const type of ['moov', 'udta', 'meta', 'moof', 'mdat', 'mfra']) {
      assert.equal(holdsFor(bufferSource(bytes(box('ftyp', 16), box('moov', 400), box('mdat', 5000), box(type, 8)))), false, type);
    }
  });

  test('not when the file is cut, its index is at the end, bytes trail its boxes, or it is no MP4', () => {
    const whole = bytes(box('ftyp', 16), box('moov', 400), box('mdat', 5000));
    assert.equal(holdsFor(prefix(whole, 3000)), false);
    assert.equal(holdsFor(bufferSource(bytes(box('ftyp', 16), box('mdat', 5000), box('moov', 400)))), false);
    assert.equal(holdsFor(bufferSource(Buffer.concat([whole, Buffer.from('\x00\x00\x00trailing')]))), false);
    assert.equal(holdsFor(bufferSource(Buffer.from('plain text, long enough to be sniffed'))), false);
  });
});

describe('restateBitRate', () => {
  const format = { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '40.000000' };

  test('the size and bit rate seen while the file was written are restated from the final size, as ffmpeg computes them', () => {
    // Figures from ffprobe 5.1 itself: a 202,597,085-byte MP4 read ahead (the bit rate from the
    // size when it opened the file, the size from when it printed), then read whole.
    const early = { format: { ...format, size: '93585408', bit_rate: '18559795' }, streams: [] };
    assert.deepEqual(restateBitRate(early, 202_597_085).format, { ...format, size: '202597085', bit_rate: '40519417' });
  });

  test('without a duration ffmpeg did not derive the bit rate from the size: left alone', () => {
    const noDuration = { format: { format_name: 'mov', size: '100', bit_rate: '8' } };
    assert.equal(restateBitRate(noDuration, 200), noDuration);
  });
});

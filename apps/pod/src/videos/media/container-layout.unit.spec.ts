import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bufferSource } from './byte-source.js';
import { sniffContainerLayout } from './container-layout.js';
import { walkMp4Boxes } from './mp4-layout.js';

function box(type: string, bodyLength: number): Buffer {
  const b = Buffer.alloc(8 + bodyLength);
  b.writeUInt32BE(8 + bodyLength, 0);
  b.write(type, 4, 'latin1');
  return b;
}

/** A box with a 64-bit size, as muxers write for media data past 4 GiB. */
function largeBox(type: string, bodyLength: number): Buffer {
  const b = Buffer.alloc(16 + bodyLength);
  b.writeUInt32BE(1, 0);
  b.write(type, 4, 'latin1');
  b.writeBigUInt64BE(BigInt(16 + bodyLength), 8);
  return b;
}

const mp4 = (...boxes: Buffer[]) => walkMp4Boxes(bufferSource(Buffer.concat(boxes)));

describe('MP4 top-level boxes', () => {
  test('index before media data: faststart', () => {
    const layout = mp4(box('ftyp', 16), box('moov', 100), box('mdat', 1000));
    assert.deepEqual(layout, { boxes: ['ftyp', 'moov', 'mdat'], complete: true, moovOffset: 24, mdatOffset: 132, moovBeforeMdat: true, end: 1140 });
  });

  test('index at the end (ffmpeg and most cameras by default): not faststart', () => {
    const layout = mp4(box('ftyp', 16), box('free', 0), box('mdat', 1000), box('moov', 100));
    assert.equal(layout?.moovBeforeMdat, false);
    assert.equal(layout?.complete, true);
  });

  test('64-bit box sizes are followed to the next box', () => {
    const layout = mp4(box('ftyp', 16), largeBox('mdat', 500), box('moov', 50));
    assert.deepEqual(layout?.boxes, ['ftyp', 'mdat', 'moov']);
    assert.equal(layout?.moovBeforeMdat, false);
    assert.equal(layout?.complete, true);
  });

  test('a box of size 0 runs to the end of the file', () => {
    const last = box('mdat', 300);
    last.writeUInt32BE(0, 0);
    const layout = mp4(box('ftyp', 16), box('moov', 40), last);
    assert.equal(layout?.complete, true);
    assert.equal(layout?.moovBeforeMdat, true);
  });

  test('a file cut inside its media data is incomplete, even with its index first', () => {
    const whole = Buffer.concat([box('ftyp', 16), box('moov', 100), box('mdat', 1000)]);
    const layout = walkMp4Boxes(bufferSource(whole.subarray(0, 600)));
    assert.equal(layout?.complete, false);
    assert.equal(layout?.moovBeforeMdat, true);
  });

  test('a file cut right after its index, before any media data, is incomplete', () => {
    assert.equal(mp4(box('ftyp', 16), box('moov', 100))?.complete, false);
  });

  test('a file cut inside a box header is incomplete', () => {
    const whole = Buffer.concat([box('ftyp', 16), box('mdat', 100), box('moov', 100)]);
    assert.equal(walkMp4Boxes(bufferSource(whole.subarray(0, 24 + 108 + 5)))?.complete, false);
  });

  test('a 64-bit size past the end is incomplete', () => {
    const whole = Buffer.concat([box('ftyp', 16), largeBox('mdat', 5000)]);
    assert.equal(walkMp4Boxes(bufferSource(whole.subarray(0, 200)))?.complete, false);
  });

  test('anything that does not open with an MP4 box is not an MP4', () => {
    assert.equal(walkMp4Boxes(bufferSource(Buffer.from('line 1: hello, this is text\n'))), null);
    assert.equal(walkMp4Boxes(bufferSource(Buffer.alloc(0))), null);
  });
});

function vint(value: number, length: number): Buffer {
  const b = Buffer.alloc(length);
  let v = value;
  for (let i = length - 1; i >= 0; i--) {
    b[i] = v & 0xff;
    v = Math.floor(v / 256);
  }
  b[0] |= 0x80 >> (length - 1);
  return b;
}

function ebml(docType: string, segmentBody: number, { unknownSize = false } = {}): Buffer {
  const docTypeElement = Buffer.concat([Buffer.from([0x42, 0x82]), vint(docType.length, 1), Buffer.from(docType, 'latin1')]);
  const header = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), vint(docTypeElement.length, 1), docTypeElement]);
  const segmentSize = unknownSize ? Buffer.from([0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]) : vint(segmentBody, 8);
  return Buffer.concat([header, Buffer.from([0x18, 0x53, 0x80, 0x67]), segmentSize, Buffer.alloc(segmentBody)]);
}

describe('Matroska and AVI headers', () => {
  test('a whole WebM: its DocType, complete', () => {
    assert.deepEqual(sniffContainerLayout(bufferSource(ebml('webm', 2000))), { kind: 'matroska', complete: true, docType: 'webm' });
  });

  test('a Matroska file cut short: the Segment claims more than the file holds', () => {
    const whole = ebml('matroska', 2000);
    assert.deepEqual(sniffContainerLayout(bufferSource(whole.subarray(0, 1000))), { kind: 'matroska', complete: false, docType: 'matroska' });
  });

  test('a Segment of unknown size (written to a pipe) cannot be judged and counts as complete', () => {
    const whole = ebml('webm', 2000, { unknownSize: true });
    assert.equal(sniffContainerLayout(bufferSource(whole.subarray(0, 1000))).complete, true);
  });

  test('an AVI whose RIFF chunk runs past the end is incomplete', () => {
    const riff = Buffer.alloc(1012);
    riff.write('RIFF', 0, 'latin1');
    riff.writeUInt32LE(1004, 4);
    riff.write('AVI ', 8, 'latin1');
    assert.deepEqual(sniffContainerLayout(bufferSource(riff)), { kind: 'avi', complete: true });
    assert.deepEqual(sniffContainerLayout(bufferSource(riff.subarray(0, 500))), { kind: 'avi', complete: false });
  });

  test('text is none of them', () => {
    assert.deepEqual(sniffContainerLayout(bufferSource(Buffer.from('just some words\n'.repeat(20)))), { kind: 'unknown', complete: true });
  });
});

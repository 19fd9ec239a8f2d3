import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { jpegSize } from './jpeg-size.js';

/** A JPEG's header as segments: marker, then a length that counts itself. */
function segment(marker: number, body: number[]): number[] {
  const length = body.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...body];
}
const SOI = [0xff, 0xd8];
const APP0 = segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
const DQT = segment(0xdb, new Array(65).fill(1));
const DHT = segment(0xc4, new Array(20).fill(0));
/** A frame header: precision, height, width, components. */
const sof = (marker: number, width: number, height: number) => segment(marker, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);

describe('jpegSize', () => {
  test('reads the frame header after APPn, quantisation and Huffman tables, baseline or progressive', () => {
    assert.deepEqual(jpegSize(Uint8Array.from([...SOI, ...APP0, ...DQT, ...DHT, ...sof(0xc0, 640, 360)])), { width: 640, height: 360 });
    assert.deepEqual(jpegSize(Uint8Array.from([...SOI, ...APP0, ...sof(0xc2, 1920, 1080)])), { width: 1920, height: 1080 });
    assert.deepEqual(jpegSize(Uint8Array.from([...SOI, 0xff, 0xff, ...sof(0xc1, 8, 65535)])), { width: 8, height: 65535 }, 'fill bytes are skipped');
  });

  test('not a JPEG, cut short, or with no frame before the scan: null', () => {
    assert.equal(jpegSize(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), null);
    assert.equal(jpegSize(Uint8Array.from([...SOI, ...APP0])), null);
    assert.equal(jpegSize(Uint8Array.from([...SOI, ...APP0, ...sof(0xc0, 640, 360)].slice(0, 25))), null);
    assert.equal(jpegSize(Uint8Array.from([...SOI, ...segment(0xda, [0, 0, 0])])), null);
    assert.equal(jpegSize(Uint8Array.from([...SOI, ...sof(0xc0, 0, 360)])), null, 'a zero size is no size');
    assert.equal(jpegSize(Uint8Array.from([...SOI, 0xff, 0xe0, 0x00, 0x01])), null, 'a length shorter than itself');
    assert.equal(jpegSize(new Uint8Array()), null);
  });
});

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { choosePieceLength, DEFAULT_MAX_PIECE_LENGTH, MIB } from './piece-length.js';
import { seededRandom } from './test-support.js';

// The rule create-torrent applies (its own dependency): min(pieceLength(bytes), maxPieceLength = 4 MiB).
const require = createRequire(import.meta.url);
const pieceLengthPackage = require('piece-length') as (bytes: number) => number;
const createTorrentRule = (bytes: number): number => Math.min(pieceLengthPackage(bytes), DEFAULT_MAX_PIECE_LENGTH);

describe('choosePieceLength', () => {
  it('chooses what create-torrent chooses, at every power of two, its neighbours and the rounding points', () => {
    const sizes = [0, 1, 1023, 1024, 1025];
    for (let exponent = 10; exponent <= 40; exponent++) {
      const power = 2 ** exponent;
      const roundingPoint = Math.floor(power * Math.SQRT2);
      sizes.push(power - 1, power, power + 1, roundingPoint - 1, roundingPoint, roundingPoint + 1);
    }
    const random = seededRandom(7);
    for (let i = 0; i < 2000; i++) sizes.push(Math.floor(2 ** (random() * 40)));
    // Below 2^40.5 bytes, where piece-length overflows (next test).
    for (const size of sizes.filter((n) => n < 2 ** 40.5)) assert.equal(choosePieceLength(size), createTorrentRule(size), `size ${size}`);
  });

  it('gives a video between 16 MB and 6 GB some 700 to 1,500 pieces', () => {
    for (let size = 16 * MIB; size <= 6e9; size = Math.floor(size * 1.1)) {
      const pieces = Math.ceil(size / choosePieceLength(size));
      assert.ok(pieces >= 700 && pieces <= 1500, `${size} bytes: ${pieces} pieces`);
    }
    assert.equal(choosePieceLength(200e6), 256 * 1024);
  });

  it('keeps 4 MiB pieces past 1.5 TiB, where the piece-length package overflows to 16 KiB', () => {
    const huge = 2 ** 41;
    assert.equal(pieceLengthPackage(huge), 16 * 1024);
    assert.equal(choosePieceLength(huge), 4 * MIB);
    assert.equal(choosePieceLength(Number.MAX_SAFE_INTEGER), 4 * MIB);
  });

  it('refuses what is not a byte count', () => {
    for (const bad of [-1, 1.5, Number.NaN, Infinity]) assert.throws(() => choosePieceLength(bad), RangeError);
  });
});

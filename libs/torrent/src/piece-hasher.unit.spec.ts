import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { hashingTap, PieceHasher } from './piece-hasher.js';
import { referencePieces, seededRandom } from './test-support.js';

const PIECE = 16 * 1024;

/** The same bytes cut in many ways, empty chunks included. */
function chunkings(data: Buffer, seed: number): Array<[string, Uint8Array[]]> {
  const every = (size: number): Uint8Array[] => {
    const out: Uint8Array[] = [];
    for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
    return out;
  };
  const random = seededRandom(seed);
  const splits: Uint8Array[] = [];
  for (let i = 0; i < data.length; ) {
    const roll = random();
    // 10% empty chunks, otherwise anything from 1 byte to 2.5 pieces.
    const size = roll < 0.1 ? 0 : 1 + Math.floor(random() * PIECE * 2.5);
    splits.push(data.subarray(i, i + size));
    i += size;
  }
  const result: Array<[string, Uint8Array[]]> = [
    ['one chunk', [data]],
    ['7-byte chunks', every(7)],
    ['piece-sized chunks', every(PIECE)],
    ['chunks one byte off a piece', every(PIECE + 1)],
    [`random splits with empty chunks (seed ${seed})`, [new Uint8Array(0), ...splits, new Uint8Array(0)]],
    // Views into a larger buffer: hashing must honour byteOffset, not hash the whole backing store.
    ['Uint8Array views at an offset', every(5000).map((chunk) => {
      const padded = Buffer.concat([Buffer.alloc(3), chunk, Buffer.alloc(3)]);
      return new Uint8Array(padded.buffer, padded.byteOffset + 3, chunk.length);
    })],
  ];
  if (data.length <= 2 * PIECE) result.push(['1-byte chunks', every(1)]);
  return result;
}

function hashChunks(chunks: Uint8Array[], pieceLength = PIECE) {
  const hasher = new PieceHasher(pieceLength);
  for (const chunk of chunks) hasher.update(chunk);
  return hasher.finish();
}

describe('PieceHasher', () => {
  const lengths: Array<[string, number]> = [
    ['one byte', 1],
    ['one byte short of a piece', PIECE - 1],
    ['exactly one piece', PIECE],
    ['a piece and one byte', PIECE + 1],
    ['exactly three pieces', 3 * PIECE],
    ['many pieces and a short last one', 40 * PIECE + 12345],
  ];
  for (const [label, length] of lengths) {
    it(`gives the same pieces however the bytes are chunked: ${label} (${length} bytes)`, () => {
      const data = randomBytes(length);
      const expected = referencePieces(data, PIECE);
      assert.equal(expected.length, 20 * Math.ceil(length / PIECE));
      for (const [how, chunks] of chunkings(data, length)) {
        const result = hashChunks(chunks);
        assert.equal(result.length, length, how);
        assert.ok(result.pieces.equals(expected), `${how}: pieces differ`);
      }
    });
  }

  it('uses the piece length it was given', () => {
    const data = randomBytes(1024 * 1024 + 1);
    for (const pieceLength of [16 * 1024, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024]) {
      assert.ok(hashChunks([data], pieceLength).pieces.equals(referencePieces(data, pieceLength)), `${pieceLength}`);
    }
  });

  it('refuses a zero-length file clearly, empty chunks or not', () => {
    const hasher = new PieceHasher(PIECE);
    assert.equal(hasher.length, 0);
    hasher.update(new Uint8Array(0));
    assert.throws(() => hasher.finish(), { name: 'RangeError', message: /zero-length/ });
    assert.throws(() => new PieceHasher(PIECE).finish(), RangeError);
  });

  it('counts bytes as they come and refuses use after finish', () => {
    const hasher = new PieceHasher(PIECE);
    hasher.update(Buffer.alloc(10));
    hasher.update(Buffer.alloc(PIECE));
    assert.equal(hasher.length, PIECE + 10);
    hasher.finish();
    assert.throws(() => hasher.update(Buffer.alloc(1)), /after finish/);
    assert.throws(() => hasher.finish(), /twice/);
  });

  it('refuses piece lengths that are not powers of two from 16 KiB to 16 MiB', () => {
    for (const bad of [0, 1000, 8 * 1024, 16 * 1024 + 1, 3 * 16 * 1024, 32 * 1024 * 1024, Number.NaN]) {
      assert.throws(() => new PieceHasher(bad), RangeError, String(bad));
    }
  });
});

describe('hashingTap', () => {
  it('passes every byte through unchanged while hashing it', async () => {
    const data = randomBytes(10 * PIECE + 999);
    const random = seededRandom(3);
    const chunks: Buffer[] = [];
    for (let i = 0; i < data.length; ) {
      const size = 1 + Math.floor(random() * 3 * PIECE);
      chunks.push(data.subarray(i, i + size));
      i += size;
    }
    const hasher = new PieceHasher(PIECE);
    const received: Buffer[] = [];
    await pipeline(
      Readable.from(chunks),
      hashingTap(hasher),
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          received.push(chunk);
          callback();
        },
      }),
    );
    assert.ok(Buffer.concat(received).equals(data));
    const { length, pieces } = hasher.finish();
    assert.equal(length, data.length);
    assert.ok(pieces.equals(referencePieces(data, PIECE)));
  });

  it('fails the pipeline if the hasher was already finished', async () => {
    const hasher = new PieceHasher(PIECE);
    hasher.update(Buffer.from('x'));
    hasher.finish();
    await assert.rejects(pipeline(Readable.from([Buffer.from('more')]), hashingTap(hasher), new Writable({ write: (_c, _e, cb) => cb() })), /after finish/);
  });
});

import { createHash, type Hash } from 'node:crypto';
import { Transform } from 'node:stream';
import { assertPieceLength } from './piece-length.js';

/** What a torrent needs from its file: the byte count and the SHA-1 of each piece, concatenated. */
export interface PieceList {
  readonly length: number;
  /** 20 bytes per piece, in order; the last piece may be short. */
  readonly pieces: Buffer;
}

/**
 * SHA-1s of fixed-length pieces, fed in chunks of any size as they arrive (an upload being
 * written to disk), so the torrent is ready the moment the last byte is: no second read.
 *
 * Bytes go straight into a running hash for the current piece, sliced at piece
 * boundaries; nothing is buffered or concatenated, so memory is one hash state plus 20
 * bytes per finished piece, whatever the file's size.
 */
export class PieceHasher {
  readonly pieceLength: number;
  #current: Hash | null = null;
  #inPiece = 0;
  #length = 0;
  #digests: Buffer[] = [];
  #finished = false;

  constructor(pieceLength: number) {
    assertPieceLength(pieceLength, 'PieceHasher');
    this.pieceLength = pieceLength;
  }

  /** Bytes hashed so far (check it before `finish()`: an empty upload cannot be a torrent). */
  get length(): number {
    return this.#length;
  }

  update(chunk: Uint8Array): void {
    if (this.#finished) throw new Error('PieceHasher: update() after finish()');
    const size = chunk.length;
    let offset = 0;
    while (offset < size) {
      const take = Math.min(this.pieceLength - this.#inPiece, size - offset);
      const hash = (this.#current ??= createHash('sha1'));
      // subarray is a view, not a copy; skip even that for the common whole-chunk case.
      hash.update(take === size ? chunk : chunk.subarray(offset, offset + take));
      offset += take;
      this.#inPiece += take;
      if (this.#inPiece === this.pieceLength) {
        this.#digests.push(hash.digest());
        this.#current = null;
        this.#inPiece = 0;
      }
    }
    this.#length += size;
  }

  /**
   * The pieces, the last one closed where the bytes ended. Throws a RangeError for zero
   * bytes: a torrent with no pieces has nothing to seed, libtorrent refuses it, and
   * create-torrent silently turns it into a one-byte file of 0x00.
   */
  finish(): PieceList {
    if (this.#finished) throw new Error('PieceHasher: finish() called twice');
    if (this.#length === 0) throw new RangeError('PieceHasher: a zero-length file cannot be made into a torrent');
    this.#finished = true;
    if (this.#current) {
      this.#digests.push(this.#current.digest());
      this.#current = null;
    }
    const pieces = Buffer.concat(this.#digests);
    this.#digests = [];
    return { length: this.#length, pieces };
  }
}

/**
 * A pass-through stream that hashes what flows through it, to sit in the pipe that writes
 * an upload to disk: `pipeline(upload, hashingTap(hasher), createWriteStream(path))`,
 * then `hasher.finish()` once the pipeline resolves.
 */
export function hashingTap(hasher: PieceHasher): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        hasher.update(chunk);
      } catch (error) {
        callback(error as Error);
        return;
      }
      callback(null, chunk);
    },
  });
}

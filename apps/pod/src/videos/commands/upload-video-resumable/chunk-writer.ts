import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import type { PieceHasher } from '@swarmtube/torrent';

/**
 * Writes a chunk at its offset and feeds the same bytes to the upload's piece hasher. Each
 * write is hashed while the thread pool writes it (hashing and writing overlap, as in the
 * multipart upload's pipe), and `position` only counts bytes the file took: when a write
 * fails, or the client goes away, `hashedInStep()` tells whether the hasher saw exactly the
 * bytes on disk, or must be rebuilt from the file before the next chunk.
 */
export class ChunkWriter extends Writable {
  private hashed: number;
  private inFlight: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly file: FileHandle,
    public position: number,
    private readonly hasher: PieceHasher | null,
  ) {
    super({ highWaterMark: 1024 * 1024 });
    this.hashed = position;
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    this.put(chunks.map(({ chunk }) => chunk), callback);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.put([chunk], callback);
  }

  /** Once the last write issued has ended (a destroyed stream may still have one under way). */
  async settled(): Promise<void> {
    await this.inFlight.catch(() => undefined);
  }

  /** Whether the hasher has seen exactly the bytes the file holds. */
  hashedInStep(): boolean {
    return this.hasher !== null && this.hashed === this.position;
  }

  private put(buffers: Buffer[], callback: (error?: Error | null) => void): void {
    const length = buffers.reduce((sum, buffer) => sum + buffer.length, 0);
    const at = this.position;
    const write = this.file.writev(buffers, at);
    this.inFlight = write.then(
      ({ bytesWritten }) => {
        this.position = at + bytesWritten;
        callback(bytesWritten === length ? null : Object.assign(new Error('short write'), { code: 'ENOSPC' }));
      },
      (error: Error) => callback(error),
    );
    if (this.hasher) {
      for (const buffer of buffers) this.hasher.update(buffer);
      this.hashed += length;
    }
  }
}

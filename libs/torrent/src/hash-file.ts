import { open } from 'node:fs/promises';
import { PieceHasher, type PieceList } from './piece-hasher.js';

/** Large enough that a syscall per read is noise next to hashing it (~0.5 ms at 2 GB/s). */
const DEFAULT_READ_SIZE = 1024 * 1024;

/**
 * Pieces of a file already on disk (a transcode's output, say). Two buffers alternate: the
 * next read runs on libuv's thread pool while this one is hashed, so reading and hashing
 * overlap instead of taking turns as they do in `sha1sum`.
 */
export async function hashFile(path: string, pieceLength: number, readSize = DEFAULT_READ_SIZE): Promise<PieceList> {
  const hasher = new PieceHasher(pieceLength);
  const handle = await open(path, 'r');
  try {
    const buffers = [Buffer.allocUnsafe(readSize), Buffer.allocUnsafe(readSize)];
    let which = 0;
    let position = 0;
    let pending = handle.read(buffers[which], 0, readSize, position);
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) break;
      const filled = buffers[which];
      position += bytesRead;
      which ^= 1;
      pending = handle.read(buffers[which], 0, readSize, position);
      hasher.update(bytesRead === readSize ? filled : filled.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return hasher.finish();
}

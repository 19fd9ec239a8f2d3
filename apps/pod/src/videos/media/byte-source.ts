import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Random access to a file's bytes, for readers that look at a few container headers only.
 * Synchronous on purpose: a layout check is a handful of small preads, cheaper than the
 * promise machinery around them, and it lets planProcessing stay a plain function.
 */
export interface ByteSource {
  readonly size: number;
  /** Up to `length` bytes at `offset`; fewer at the end of the file. */
  read(offset: number, length: number): Buffer;
}

export function bufferSource(bytes: Uint8Array): ByteSource {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    size: buffer.length,
    read: (offset, length) => buffer.subarray(Math.min(offset, buffer.length), Math.min(offset + length, buffer.length)),
  };
}

export function withFileSource<T>(path: string, use: (source: ByteSource) => T): T {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    return use({
      size,
      read(offset, length) {
        const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
        const got = buffer.length === 0 ? 0 : readSync(fd, buffer, 0, buffer.length, offset);
        return buffer.subarray(0, got);
      },
    });
  } finally {
    closeSync(fd);
  }
}

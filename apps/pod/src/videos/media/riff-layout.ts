import type { ByteSource } from './byte-source.js';

export interface AviLayout {
  /** Every RIFF chunk (AVI, then AVIX for files past 1 GiB) ends within the file. */
  complete: boolean;
}

/** Reads the top-level RIFF chunk headers of an AVI; null when the file is not one. */
export function readAviLayout(source: ByteSource): AviLayout | null {
  const first = source.read(0, 12);
  if (first.length < 12 || first.toString('latin1', 0, 4) !== 'RIFF' || first.toString('latin1', 8, 12) !== 'AVI ') return null;
  let offset = 0;
  for (let chunks = 0; offset + 8 <= source.size && chunks < 10_000; chunks++) {
    const header = source.read(offset, 8);
    if (header.toString('latin1', 0, 4) !== 'RIFF') break; // trailing bytes after the last chunk: harmless
    const size = header.readUInt32LE(4);
    if (offset + 8 + size > source.size) return { complete: false };
    offset += 8 + size + (size & 1);
  }
  return { complete: true };
}

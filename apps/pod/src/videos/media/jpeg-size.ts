import { open } from 'node:fs/promises';

/**
 * The picture size a JPEG states in its frame header (SOFn), read from the first bytes of the
 * file: no decoding and no ffprobe, so describing a thumbnail costs one small read.
 */

export interface PictureSize {
  width: number;
  height: number;
}

/** The frame header sits after APPn and quantisation tables: a few KiB at most in our thumbnails. */
const HEADER_BYTES = 64 * 1024;

/** SOF0..SOF15 but DHT (C4), JPG (C8) and DAC (CC), which share the range. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** The size in a JPEG's bytes, or null when they are not a JPEG or hold no frame header. */
export function jpegSize(bytes: Uint8Array): PictureSize | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1];
    // Fill bytes, and markers that have no length (TEM, RSTn).
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    // End of image or start of scan before any frame header: there is none to read.
    if (marker === 0xd9 || marker === 0xda) return null;
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    if (length < 2) return null;
    if (isStartOfFrame(marker)) {
      if (at + 9 > bytes.length) return null;
      const height = (bytes[at + 5] << 8) | bytes[at + 6];
      const width = (bytes[at + 7] << 8) | bytes[at + 8];
      return width > 0 && height > 0 ? { width, height } : null;
    }
    at += 2 + length;
  }
  return null;
}

/** The size of the JPEG file at `path`, or null when it is missing or not a JPEG. */
export async function readJpegSize(path: string): Promise<PictureSize | null> {
  let file;
  try {
    file = await open(path, 'r');
  } catch {
    return null;
  }
  try {
    const buffer = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await file.read(buffer, 0, HEADER_BYTES, 0);
    return jpegSize(buffer.subarray(0, bytesRead));
  } finally {
    await file.close();
  }
}

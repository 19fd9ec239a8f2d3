import { existsSync } from 'node:fs';
import type { FederationClient } from '../federation/federation-client.js';
import { writeBytesAtomically } from '../videos/media/atomic-output.js';
import { jpegSize } from '../videos/media/jpeg-size.js';
import type { VideoStorage } from '../videos/video-storage.js';

/** Every pod's thumbnail is a 640-pixel-wide JPEG of some tens of KiB: more is not a thumbnail. */
export const MAX_THUMBNAIL_BYTES = 512 * 1024;
/** Per source: a dead origin must not hold the copy's announcement for long. */
const THUMBNAIL_TIMEOUT_MS = 5_000;

/**
 * A JPEG whole enough to show: its start, a frame header with a size (media/jpeg-size.ts), and
 * its end marker last (an answer cut short has none). Nothing is decoded.
 */
export function isWholeJpeg(bytes: Uint8Array): boolean {
  return jpegSize(bytes) !== null && bytes.length >= 4 && bytes[bytes.length - 2] === 0xff && bytes[bytes.length - 1] === 0xd9;
}

/**
 * The thumbnail of a mirrored video, kept beside the copy where the pod keeps its own
 * (`thumbnails/<uuid>.jpg`, served at `/static/thumbnails/`), so that every pod can show it while
 * the origin is down (the API view derives the URL from the mirror's actor). Fetched with the
 * pod's one outgoing client (its address policy, verified TLS, time and size bounds), checked as
 * a JPEG, written atomically. The copy's files, thumbnail included, go with VideoUnmirrored
 * (videos/local-videos.ts).
 */
export class MirrorThumbnails {
  constructor(
    private readonly client: Pick<FederationClient, 'getBytes'>,
    private readonly storage: Pick<VideoStorage, 'thumbnailPath'>,
  ) {}

  has(uuid: string): boolean {
    return existsSync(this.storage.thumbnailPath(uuid));
  }

  /** The first source that answers with a whole JPEG of at most MAX_THUMBNAIL_BYTES; throws saying why each failed. */
  async download(urls: readonly string[]): Promise<{ url: string; bytes: Buffer }> {
    const problems: string[] = [];
    for (const url of urls) {
      try {
        const { bytes } = await this.client.getBytes(url, 'image/jpeg', { timeoutMs: THUMBNAIL_TIMEOUT_MS, maxResponseBytes: MAX_THUMBNAIL_BYTES });
        if (!isWholeJpeg(bytes)) throw new Error(`not a JPEG (${bytes.length} bytes)`);
        return { url, bytes };
      } catch (error) {
        problems.push(`${url}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    throw new Error(urls.length === 0 ? 'no source of the thumbnail' : `no thumbnail could be had (${problems.join('; ')})`);
  }

  /** Written under a temporary name and renamed: `/static/thumbnails/` never serves half a picture. */
  async store(uuid: string, bytes: Buffer): Promise<void> {
    await writeBytesAtomically(this.storage.thumbnailPath(uuid), bytes);
  }
}

import { withFileSource, type ByteSource } from './byte-source.js';
import { MAX_LISTED_BOXES, walkMp4Boxes } from './mp4-layout.js';

/**
 * Reading an upload ahead: ffprobe and the thumbnail's ffmpeg can run on a faststart MP4
 * while the rest of it streams in, instead of after its last byte (together about a third
 * of a second of a 200 MB upload's tail). They read the file being written with ffmpeg's
 * `-follow 1` (see videoInputArgs), so every byte they read is final; what they see
 * differently is the file's size, which is why the answer is taken only when
 * readAheadHolds says so at the end, and ignored (the tool run again on the whole file, as
 * without reading ahead) otherwise.
 */

export type ReadAheadReadiness = 'ready' | 'wait' | 'never';

/** Box types that carry nothing for a demuxer: ffmpeg's MP4 demuxer skips them unread. */
const FREE_SPACE_BOXES = new Set(['free', 'skip']);
/** Fewer bytes than this cannot tell an MP4 from anything else yet. */
const MIN_SNIFF_BYTES = 16;

/**
 * Whether the part of an upload written so far can be read ahead: `ready` once it is an MP4
 * whose index (moov) has arrived whole, followed by the start of its media data (mdat);
 * `never` when it is something else (another container, or an MP4 with its index at the
 * end, which only the whole file has); `wait` until one or the other is known.
 */
export function readAheadReadiness(path: string): ReadAheadReadiness {
  return withFileSource(path, readinessOf);
}

export function readinessOf(source: ByteSource): ReadAheadReadiness {
  if (source.size < MIN_SNIFF_BYTES) return 'wait';
  const layout = walkMp4Boxes(source);
  if (!layout) return 'never';
  if (layout.moovBeforeMdat === true) return 'ready';
  if (layout.mdatOffset !== null) return 'never';
  // Every box whole, yet the bytes after them are no box header: not an MP4 to read ahead.
  if (layout.complete && layout.end < source.size) return 'never';
  return 'wait';
}

/**
 * Whether what was read ahead of the end is what the tools read in the whole file. On the
 * file being written, ffmpeg's MP4 demuxer stops at the first mdat, which then reaches past
 * the end it sees; in the whole file it goes on through the top-level boxes after it (a
 * second moov, a udta or meta there would change what ffprobe reports). So: a complete MP4,
 * every byte in a box, its index first, and nothing but free space after its first mdat.
 * Figures ffmpeg derives from the file's size (the format's bit rate) are restated from the
 * final size by probeMedia.
 */
export function readAheadHolds(path: string): boolean {
  return withFileSource(path, holdsFor);
}

export function holdsFor(source: ByteSource): boolean {
  const layout = walkMp4Boxes(source);
  if (!layout || !layout.complete || layout.moovBeforeMdat !== true || layout.end !== source.size) return false;
  const afterMedia = layout.boxes.slice(layout.boxes.indexOf('mdat') + 1);
  // A list cut at its limit may hide boxes: then it does not hold.
  return layout.boxes.length < MAX_LISTED_BOXES && afterMedia.every((type) => FREE_SPACE_BOXES.has(type));
}

import { withFileSource, type ByteSource } from './byte-source.js';

export interface Mp4Layout {
  /** Top-level box types in file order (the first few hundred: enough to diagnose a file). */
  boxes: string[];
  /** Every top-level box ends within the file. False: the file was cut short. */
  complete: boolean;
  /** Where the first moov and mdat boxes start, or null when there is none. */
  moovOffset: number | null;
  mdatOffset: number | null;
  /**
   * The index comes before the media data ("faststart"): a player can start after the first
   * bytes instead of fetching the end first, which is what streaming over WebTorrent needs.
   * Null when either box is missing.
   */
  moovBeforeMdat: boolean | null;
  /**
   * Where the walk stopped: the file's size when every byte belongs to a box; less when
   * something that is not a box header follows the boxes (or there are too many to walk).
   */
  end: number;
}

/** Box types that open an ISO-BMFF / QuickTime file (old QuickTime files may not start with ftyp). */
const OPENING_BOXES = new Set(['ftyp', 'styp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot', 'uuid']);
export const MAX_LISTED_BOXES = 256;
/** A fragmented MP4 has two boxes per fragment; this bounds the walk on a hostile file. */
const MAX_WALKED_BOXES = 100_000;

/** Reads the top-level box headers of an MP4/MOV file; null when it does not start like one. */
export function readMp4Layout(path: string): Mp4Layout | null {
  return withFileSource(path, walkMp4Boxes);
}

/** Walks box headers only (8 or 16 bytes each), never box bodies. */
export function walkMp4Boxes(source: ByteSource): Mp4Layout | null {
  if (!OPENING_BOXES.has(source.read(4, 4).toString('latin1'))) return null;
  const layout: Mp4Layout = { boxes: [], complete: true, moovOffset: null, mdatOffset: null, moovBeforeMdat: null, end: 0 };
  let offset = 0;
  for (let walked = 0; offset < source.size && walked < MAX_WALKED_BOXES; walked++) {
    const header = source.read(offset, 16);
    if (header.length < 8) {
      layout.complete = false;
      break;
    }
    const type = header.toString('latin1', 4, 8);
    if (!/^[\x20-\x7e]{4}$/.test(type)) break; // not a box header: stop reading, judge what was seen
    let size = header.readUInt32BE(0);
    if (size === 1) {
      if (header.length < 16) {
        layout.complete = false;
        break;
      }
      size = Number(header.readBigUInt64BE(8));
      if (size < 16) break;
    } else if (size === 0) {
      size = source.size - offset; // "to the end of the file": only the last box may say so
    } else if (size < 8) {
      break;
    }
    if (layout.boxes.length < MAX_LISTED_BOXES) layout.boxes.push(type);
    if (type === 'moov' && layout.moovOffset === null) layout.moovOffset = offset;
    if (type === 'mdat' && layout.mdatOffset === null) layout.mdatOffset = offset;
    if (offset + size > source.size) {
      layout.complete = false;
      break;
    }
    offset += size;
  }
  // Cut exactly after the index: every box is whole, but the media data never arrived.
  if (offset >= source.size && layout.moovOffset !== null && layout.mdatOffset === null) layout.complete = false;
  if (layout.moovOffset !== null && layout.mdatOffset !== null) layout.moovBeforeMdat = layout.moovOffset < layout.mdatOffset;
  layout.end = Math.min(offset, source.size);
  return layout;
}

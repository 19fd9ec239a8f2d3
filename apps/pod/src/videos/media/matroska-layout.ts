import type { ByteSource } from './byte-source.js';

export interface MatroskaLayout {
  /** 'webm' or 'matroska': a browser only takes the first as WebM. */
  docType: string | null;
  /**
   * The Segment ends within the file. A muxer writing to a pipe leaves the Segment's size
   * unknown; such a file cannot be judged from its header and counts as complete.
   */
  complete: boolean;
  segmentSizeKnown: boolean;
}

const EBML_ID = 0x1a45dfa3;
const DOC_TYPE_ID = 0x4282;
const SEGMENT_ID = 0x18538067;
/** A real EBML header is a few dozen bytes; more is a hostile file. */
const MAX_HEADER_BYTES = 4096;

interface Vint {
  value: number;
  length: number;
  /** All value bits set: "unknown size". */
  unknown: boolean;
}

/** An EBML variable-length integer; `keepMarker` for element IDs, which keep their length bit. */
export function readVint(bytes: Buffer, at: number, keepMarker = false): Vint | null {
  if (at >= bytes.length) return null;
  const first = bytes[at];
  if (first === 0) return null;
  const length = Math.clz32(first) - 23;
  if (at + length > bytes.length) return null;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + bytes[at + i];
    allOnes &&= bytes[at + i] === 0xff;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

/** Reads the EBML header and the Segment's size; null when the file is not EBML. */
export function readMatroskaLayout(source: ByteSource): MatroskaLayout | null {
  const head = source.read(0, MAX_HEADER_BYTES + 64);
  const id = readVint(head, 0, true);
  if (!id || id.value !== EBML_ID) return null;
  const headerSize = readVint(head, id.length);
  if (!headerSize || headerSize.unknown || headerSize.value > MAX_HEADER_BYTES) return null;
  const bodyStart = id.length + headerSize.length;
  const bodyEnd = bodyStart + headerSize.value;
  if (bodyEnd > source.size) return { docType: null, complete: false, segmentSizeKnown: false };

  let docType: string | null = null;
  for (let at = bodyStart; at < bodyEnd; ) {
    const childId = readVint(head, at, true);
    const childSize = childId && readVint(head, at + childId.length);
    if (!childId || !childSize || childSize.unknown) break;
    const dataStart = at + childId.length + childSize.length;
    if (childId.value === DOC_TYPE_ID) docType = head.toString('latin1', dataStart, Math.min(dataStart + childSize.value, bodyEnd)).replace(/\0+$/, '');
    at = dataStart + childSize.value;
  }

  const segment = source.read(bodyEnd, 12);
  const segmentId = readVint(segment, 0, true);
  if (!segmentId || segmentId.value !== SEGMENT_ID) {
    // Nothing after the header but a cut: the file ended before its Segment began.
    return { docType, complete: segment.length >= 12, segmentSizeKnown: false };
  }
  const segmentSize = readVint(segment, segmentId.length);
  if (!segmentSize) return { docType, complete: false, segmentSizeKnown: false };
  if (segmentSize.unknown) return { docType, complete: true, segmentSizeKnown: false };
  const segmentEnd = bodyEnd + segmentId.length + segmentSize.length + segmentSize.value;
  return { docType, complete: segmentEnd <= source.size, segmentSizeKnown: true };
}

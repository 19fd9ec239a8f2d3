import { withFileSource, type ByteSource } from './byte-source.js';
import { readMatroskaLayout } from './matroska-layout.js';
import { walkMp4Boxes, type Mp4Layout } from './mp4-layout.js';
import { readAviLayout } from './riff-layout.js';

/**
 * What a container's own headers say about a file, read without decoding anything. The
 * point is truncation: an MP4, Matroska or AVI file states how long its parts are, so a file
 * cut in transit is found by comparing that with the bytes that arrived. ffprobe alone
 * cannot see it when the index sits at the front: it reads the header and reports the full
 * duration of a file that is half missing.
 *
 * Other containers (MPEG-TS, Ogg, FLV...) carry no such length; a cut one is just a shorter
 * video, which ffmpeg handles as such.
 */
export type ContainerLayout =
  | { kind: 'mp4'; complete: boolean; mp4: Mp4Layout }
  | { kind: 'matroska'; complete: boolean; docType: string | null }
  | { kind: 'avi'; complete: boolean }
  | { kind: 'unknown'; complete: true };

export function readContainerLayout(path: string): ContainerLayout {
  return withFileSource(path, sniffContainerLayout);
}

export function sniffContainerLayout(source: ByteSource): ContainerLayout {
  const matroska = readMatroskaLayout(source);
  if (matroska) return { kind: 'matroska', complete: matroska.complete, docType: matroska.docType };
  const avi = readAviLayout(source);
  if (avi) return { kind: 'avi', complete: avi.complete };
  const mp4 = walkMp4Boxes(source);
  if (mp4) return { kind: 'mp4', complete: mp4.complete, mp4 };
  return { kind: 'unknown', complete: true };
}

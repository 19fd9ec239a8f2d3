import { resolve } from 'node:path';

/**
 * The demuxers a video upload may be read with. Without this list ffmpeg picks one by
 * content, and some of those read other files: an "upload" that is an HLS or concat
 * playlist makes ffprobe and ffmpeg open whatever it names (a classic way to leak a
 * server's files into a transcoded video). Images, audio-only formats and text (the `tty`
 * demuxer renders any .txt as a video) are refused here too, before any decoding.
 * Names match ffmpeg's demuxer names: 'mov' covers MP4/MOV/3GP, 'matroska' covers WebM.
 */
export const VIDEO_DEMUXERS = ['mov', 'matroska', 'avi', 'flv', 'mpegts', 'mpeg', 'ogg', 'asf', 'mxf', 'dv'] as const;

/** 20 s in µs: longer than any pause of a live upload the read ahead is worth waiting through. */
export const FOLLOW_READ_TIMEOUT_US = 20_000_000;

/**
 * Arguments that open a local file as a video input, and nothing else.
 *
 * `follow`: for a file still being written (an upload streaming in). ffmpeg's file protocol
 * then waits at the end of the file for more bytes instead of reporting its end, so every
 * byte the tool reads is the byte the finished file holds there. The file stays seekable;
 * what still differs is the size ffmpeg sees (see read-ahead.ts for when that matters). Its
 * caller stops it when the file is whole; if no byte arrives for FOLLOW_READ_TIMEOUT_US
 * (a stalled upload, or a pod gone without stopping it) the read fails and the tool ends by
 * itself instead of waiting for ever.
 */
export function videoInputArgs(path: string, { follow = false }: { follow?: boolean } = {}): string[] {
  return ['-format_whitelist', VIDEO_DEMUXERS.join(','), '-protocol_whitelist', 'file', ...(follow ? ['-follow', '1', '-rw_timeout', String(FOLLOW_READ_TIMEOUT_US)] : []), '-i', fileUrl(path)];
}

/** `file:` keeps a name such as `concat:a|b` or `http:x` a file name. */
export function fileUrl(path: string): string {
  return `file:${resolve(path)}`;
}

/** Replaces server paths in what ffmpeg said, so the text can go into a user-facing message. */
export function scrubPaths(text: string, paths: Record<string, string>): string {
  let scrubbed = text;
  for (const [label, path] of Object.entries(paths)) {
    for (const form of [fileUrl(path), resolve(path), path]) scrubbed = scrubbed.split(form).join(`<${label}>`);
  }
  return scrubbed;
}

/** The last lines of stderr, short enough for a message. */
export function lastLines(text: string, maxChars = 600): string {
  const trimmed = text.trim();
  if (trimmed.length <= maxChars) return trimmed;
  const tail = trimmed.slice(trimmed.length - maxChars);
  const newline = tail.indexOf('\n');
  return newline >= 0 && newline < tail.length - 1 ? tail.slice(newline + 1) : tail;
}

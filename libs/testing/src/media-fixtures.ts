import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { open, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Real media for tests, made by ffmpeg from its test sources (testsrc2 picture, sine tone):
 * small (320x240, two seconds unless asked) so a suite stays fast. Each file is made once
 * per process, in a temporary folder removed when the process exits.
 */

export interface FixtureOptions {
  seconds?: number;
}

const run = promisify(execFile);
const DEFAULT_SECONDS = 2;
let folder: string | null = null;
const made = new Map<string, Promise<string>>();

function fixtureFolder(): string {
  if (!folder) {
    const path = mkdtempSync(join(tmpdir(), 'swarmtube-media-'));
    folder = path;
    process.once('exit', () => rmSync(path, { recursive: true, force: true }));
  }
  return folder;
}

/** Makes the file once; later calls share it (tests must not modify fixtures: copy them first). */
function fixture(name: string, make: (path: string) => Promise<void>): Promise<string> {
  let file = made.get(name);
  if (!file) {
    const path = join(fixtureFolder(), name);
    file = make(path).then(() => path);
    made.set(name, file);
  }
  return file;
}

async function ffmpeg(args: string[]): Promise<void> {
  await run('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args]);
}

const picture = (seconds: number) => ['-f', 'lavfi', '-i', `testsrc2=size=320x240:rate=25:duration=${seconds}`];
const tone = (seconds: number) => ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`];
const h264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-pix_fmt', 'yuv420p'];
const aac = ['-c:a', 'aac', '-b:a', '64k'];
const vp9 = ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k', '-pix_fmt', 'yuv420p'];
const opus = ['-c:a', 'libopus', '-b:a', '48k'];

function video(name: string, ext: string, codecs: string[], { seconds = DEFAULT_SECONDS }: FixtureOptions): Promise<string> {
  return fixture(`${name}-${seconds}s.${ext}`, (path) => ffmpeg([...picture(seconds), ...tone(seconds), ...codecs, path]));
}

/** What a browser plays and streams as it is: H.264 High + AAC, index (moov) first. */
export const h264AacMp4Faststart = (options: FixtureOptions = {}) => video('h264-aac-faststart', 'mp4', [...h264, ...aac, '-movflags', '+faststart'], options);

/**
 * H.264 Constrained Baseline (no B-frames, like the ingest benchmark's file) + AAC, index
 * first, a keyframe every second: a decoder hands each keyframe out as soon as it has it,
 * so a thumbnail can be taken from the first part of an upload (see UploadReadAhead).
 */
export const h264BaselineAacMp4Faststart = (options: FixtureOptions = {}) =>
  video('h264-baseline-aac-faststart', 'mp4', ['-c:v', 'libx264', '-preset', 'ultrafast', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p', '-g', '25', ...aac, '-movflags', '+faststart'], options);

/**
 * What the multi-pod scenarios share over BitTorrent: browser-playable (H.264 + AAC, index
 * first) and big enough for a swarm, 640x360 at 2 Mbit/s, about 0.25 MB a second.
 */
export const swarmSizedMp4 = ({ seconds = 8 }: FixtureOptions = {}) =>
  fixture(`swarm-sized-${seconds}s.mp4`, (path) =>
    ffmpeg([
      '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440',
      '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '2M', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-movflags', '+faststart', path,
    ]),
  );

/** Playable codecs but the index at the end (ffmpeg's default): not streamable as it is. */
export const h264AacMp4MoovAtEnd = (options: FixtureOptions = {}) => video('h264-aac-moov-at-end', 'mp4', [...h264, ...aac], options);

/** H.264 in 4:4:4 (High 4:4:4 Predictive), which browsers refuse: screen recorders make these. */
export const h264Yuv444Mp4 = (options: FixtureOptions = {}) =>
  video('h264-yuv444', 'mp4', ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv444p', ...aac, '-movflags', '+faststart'], options);

export const vp9OpusWebm = (options: FixtureOptions = {}) => video('vp9-opus', 'webm', [...vp9, ...opus], options);

/** WebM as a browser's MediaRecorder writes it: no duration, no cues, a Segment of unknown size. */
export const vp9OpusWebmLive = (options: FixtureOptions = {}) => video('vp9-opus-live', 'webm', [...vp9, ...opus, '-f', 'webm', '-live', '1'], options);

/** WebM's codecs in a Matroska file (DocType matroska, which browsers do not take as WebM). */
export const vp9OpusMkv = (options: FixtureOptions = {}) => video('vp9-opus', 'mkv', [...vp9, ...opus, '-f', 'matroska'], options);

export const h264AacMkv = (options: FixtureOptions = {}) => video('h264-aac', 'mkv', [...h264, ...aac], options);

/** MPEG-4 Part 2 + MP3 in AVI: nothing a browser plays. */
export const mpeg4Mp3Avi = (options: FixtureOptions = {}) => video('mpeg4-mp3', 'avi', ['-c:v', 'mpeg4', '-q:v', '5', '-c:a', 'libmp3lame', '-b:a', '64k'], options);

export const audioOnlyMp3 = ({ seconds = DEFAULT_SECONDS }: FixtureOptions = {}) =>
  fixture(`audio-${seconds}s.mp3`, (path) => ffmpeg([...tone(seconds), '-c:a', 'libmp3lame', '-b:a', '64k', path]));

/** Audio in an MP4 container: it passes any container check, only the streams say it is no video. */
export const audioOnlyM4a = ({ seconds = DEFAULT_SECONDS }: FixtureOptions = {}) =>
  fixture(`audio-${seconds}s.m4a`, (path) => ffmpeg([...tone(seconds), ...aac, '-f', 'mp4', path]));

/** Audio with cover art: ffprobe lists the cover as a video stream (an attached picture). */
export const audioWithCoverArtM4a = async ({ seconds = DEFAULT_SECONDS }: FixtureOptions = {}) => {
  const cover = await pngImage();
  return fixture(`audio-cover-${seconds}s.m4a`, (path) =>
    ffmpeg([...tone(seconds), '-i', cover, '-map', '0:a', '-map', '1:v', ...aac, '-c:v', 'png', '-disposition:v:0', 'attached_pic', '-f', 'mp4', path]),
  );
};

export const pngImage = () => fixture('picture.png', (path) => ffmpeg([...picture(1), '-frames:v', '1', path]));

export const jpegImage = () => fixture('picture.jpg', (path) => ffmpeg([...picture(1), '-frames:v', '1', path]));

/** Plain text named .txt: ffmpeg's tty demuxer would render it as a video of scrolling text. */
export const textFile = () =>
  fixture('notes.txt', (path) => writeFile(path, Array.from({ length: 400 }, (_, i) => `line ${i}: this is not a video, it is a text file\n`).join('')));

/** An HLS playlist naming another file: ffmpeg, left to pick a demuxer, would open that file. */
export const hlsPlaylistOf = (target: string) =>
  fixture(`playlist-of-${basename(target)}.m3u8`, (path) =>
    writeFile(path, `#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10.0,\n${target}\n#EXT-X-ENDLIST\n`),
  );

/** The first `fraction` of a file, as an upload cut off in transit leaves it. */
export const truncatedCopy = (path: string, fraction: number) =>
  fixture(`${basename(path, extname(path))}-cut-${Math.round(fraction * 1000)}${extname(path)}`, async (copy) => {
    const bytes = await readFile(path);
    await writeFile(copy, bytes.subarray(0, Math.floor(bytes.length * fraction)));
  });

/**
 * An MP4 recording that stopped before its index was written (the camera's battery died):
 * media data marked as running to the end of the file (size 0), and no moov at all.
 */
export const unfinishedMp4Recording = async (options: FixtureOptions = {}) => {
  const source = await h264AacMp4MoovAtEnd(options);
  return fixture(`unfinished-recording-${options.seconds ?? DEFAULT_SECONDS}s.mp4`, async (path) => {
    const bytes = Buffer.from(await readFile(source));
    let offset = 0;
    while (offset < bytes.length && bytes.toString('latin1', offset + 4, offset + 8) !== 'mdat') offset += Math.max(8, bytes.readUInt32BE(offset));
    bytes.writeUInt32BE(0, offset);
    await writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
  });
};

export const zeroByteFile = () => fixture('empty.mp4', async (path) => (await open(path, 'w')).close());

import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { readContainerLayout, type ContainerLayout } from './container-layout.js';
import { videoInputArgs } from './ffmpeg-input.js';
import { measureDuration } from './measure-duration.js';
import { MediaError } from './media-error.js';
import { runTool, type ToolRun } from './run-tool.js';

export type Container = 'mp4' | 'mov' | 'webm' | 'matroska' | 'ogg' | 'avi' | 'mpegts' | 'flv' | 'other';

export interface MediaProbe {
  durationSeconds: number;
  /**
   * False when the header states no duration and it was measured from the packets (a
   * browser's MediaRecorder writes such WebM): browsers show no length and cannot seek it.
   */
  durationInHeader: boolean;
  /** ffprobe's names for the demuxer, e.g. ['mov', 'mp4', 'm4a', '3gp', '3g2', 'mj2']. */
  formatNames: string[];
  container: Container;
  /** frameRate: frames per second as ffprobe states them (avg_frame_rate), when it does. */
  video: { index: number; codec: string; width: number; height: number; pixFmt: string | null; profile?: string; frameRate?: number };
  audio: { index: number; codec: string; profile?: string } | null;
  /** Bits per second over the whole file, when ffprobe knows it. */
  bitRate: number | null;
  sizeBytes: number;
}

/** The part of ffprobe's JSON that is read. */
export interface FfprobeOutput {
  format?: { format_name?: string; duration?: string; size?: string; bit_rate?: string; tags?: Record<string, string> };
  streams?: Array<{
    index: number;
    codec_type?: string;
    codec_name?: string;
    profile?: string;
    pix_fmt?: string;
    width?: number;
    height?: number;
    avg_frame_rate?: string;
    duration?: string;
    disposition?: Record<string, number>;
  }>;
}

const CONTAINER_NAMES: Record<ContainerLayout['kind'], string> = { mp4: 'MP4', matroska: 'Matroska/WebM', avi: 'AVI', unknown: 'container' };

/** A refused demuxer in words a user knows. */
function whatFormatIs(demuxer: string): string {
  if (IMAGE_FORMATS.test(demuxer) && demuxer !== 'tty') return `a picture (${demuxer})`;
  if (demuxer === 'tty') return 'text';
  if (/^(hls|concat|dash|mpd|ffconcat)$/.test(demuxer)) return `a playlist (${demuxer}), whose entries are not followed`;
  if (/^(mp3|wav|flac|aac|ac3|eac3|aiff|w64|ape|wv|amr|mpc|tta|caf|dts)$/.test(demuxer)) return `audio (${demuxer})`;
  return `${demuxer} data, which is not a video container`;
}

/** Demuxers that turn a still image (or text) into a "video" of one frame or of rendered text. */
const IMAGE_FORMATS = /^(image2|.*_pipe|tty|gif|apng|webp)$/;

export interface ProbeOptions {
  timeoutMs?: number;
  /**
   * ffprobe's successful run on this very file, made while it was being written (see
   * read-ahead.ts), for a file readAheadHolds accepts: used instead of running ffprobe again.
   * Every check on the whole file (size, container layout, the probe's interpretation) still
   * applies to it.
   */
  describedAhead?: ToolRun | null;
}

/**
 * What a file is, read by ffprobe, or why it is not a video a pod can publish. Cheap: the
 * container's headers and ffprobe's probe, no decoding; only a file whose header states no
 * duration is read through (packets copied, not decoded) to time it. `timeoutMs` bounds it all.
 */
export async function probeMedia(path: string, { timeoutMs = 30_000, describedAhead = null }: ProbeOptions = {}): Promise<MediaProbe> {
  const deadline = Date.now() + timeoutMs;
  const sizeBytes = await regularFileSize(path);
  if (sizeBytes === 0) throw new MediaError('empty-file', 'the file is empty');
  const layout = readContainerLayout(path);
  if (!layout.complete) throw truncated(`its ${CONTAINER_NAMES[layout.kind]} headers describe more data than the file holds`);

  const run = describedAhead ?? (await describeMedia(path, { timeoutMs: Math.max(1, deadline - Date.now()) }));
  if (run.outcome === 'timed-out') {
    throw new MediaError('media-timeout', `reading the file took longer than ${Math.round(timeoutMs / 1000)} s`, { stderr: run.stderrTail });
  }
  if (run.outcome === 'stdout-overflow') throw new MediaError('not-a-video', 'the file is not a video: it describes an absurd number of streams');
  if (run.exitCode !== 0) {
    if (/moov atom not found/.test(run.stderrTail)) throw truncated('the MP4 has no index (moov): the recording or the upload stopped before the end', run.stderrTail);
    const refused = /\[([\w,]+) @ [^\]]*\] Format not on whitelist/.exec(run.stderrTail);
    throw new MediaError('not-a-video', refused ? `the file is not a video: it is ${whatFormatIs(refused[1])}` : 'the file is not a video: ffprobe cannot read it', {
      stderr: run.stderrTail,
    });
  }
  let output: FfprobeOutput;
  try {
    output = JSON.parse(run.stdout) as FfprobeOutput;
  } catch (error) {
    throw new MediaError('not-a-video', 'the file is not a video: ffprobe cannot describe it', { stderr: run.stderrTail, cause: error });
  }
  if (describedAhead) output = restateBitRate(output, sizeBytes);
  const context = { sizeBytes, layout, warnings: run.stderrTail };
  if (statedDuration(output) !== null) return interpretProbe(output, context);

  assertVideo(output, context); // before reading the whole file to time it
  const measured = await measureDuration(path, Math.max(1, deadline - Date.now()));
  if (measured.outcome === 'timed-out') {
    throw new MediaError('media-timeout', `reading the file took longer than ${Math.round(timeoutMs / 1000)} s`, { stderr: measured.stderrTail });
  }
  if (measured.endedPrematurely) throw truncated('it stops in the middle of its last part', measured.stderrTail);
  return interpretProbe(output, { ...context, measuredDurationSeconds: measured.seconds ?? undefined });
}

/**
 * ffprobe's JSON description of a file (`-show_format -show_streams`), bounded in time and
 * output. `follow` reads a file still being written (see videoInputArgs); `signal` stops it.
 */
export function describeMedia(path: string, { timeoutMs, follow = false, signal }: { timeoutMs: number; follow?: boolean; signal?: AbortSignal }): Promise<ToolRun> {
  return runTool('ffprobe', ['-hide_banner', '-v', 'warning', '-print_format', 'json', '-show_format', '-show_streams', ...videoInputArgs(path, { follow })], {
    timeoutMs,
    signal,
    maxStdoutBytes: 4 * 1024 * 1024,
  });
}

/**
 * ffmpeg sets a file's overall bit rate from its size whenever it knows the file's size and
 * its duration (libavformat's update_stream_timings: size x 8 over the duration in
 * microseconds, truncated), and reports the size it sees when it prints. Read ahead, both
 * were the bytes written so far: restated here from the final size, the same way, so that
 * the probe is the one the whole file gives.
 */
export function restateBitRate(output: FfprobeOutput, sizeBytes: number): FfprobeOutput {
  const format = output.format;
  const micros = Math.round(Number(format?.duration) * 1e6);
  if (!format || !(micros > 0)) return output;
  return { ...output, format: { ...format, bit_rate: String(Math.trunc((sizeBytes * 8 * 1e6) / micros)), size: String(sizeBytes) } };
}

export interface ProbeContext {
  sizeBytes: number;
  layout: ContainerLayout;
  /** What ffprobe wrote to stderr. */
  warnings?: string;
  /** Read from the packets, for a file whose header states no duration. */
  measuredDurationSeconds?: number;
}

/** ffprobe's description turned into a MediaProbe, or the reason the file is not a video. */
export function interpretProbe(output: FfprobeOutput, context: ProbeContext): MediaProbe {
  const { formatNames, video } = assertVideo(output, context);
  const stated = statedDuration(output);
  const durationSeconds = stated ?? positive(context.measuredDurationSeconds);
  if (durationSeconds === null) throw new MediaError('not-a-video', 'the file has no duration: a single picture, not a video');
  const audio = output.streams?.find((s) => s.codec_type === 'audio' && s.codec_name);

  return {
    durationSeconds,
    durationInHeader: stated !== null,
    formatNames,
    container: containerOf(formatNames, output.format?.tags?.major_brand, context.layout),
    video: {
      index: video.index,
      codec: video.codec_name,
      width: video.width,
      height: video.height,
      pixFmt: video.pix_fmt ?? null,
      ...(video.profile ? { profile: video.profile } : {}),
      ...frameRateOf(video.avg_frame_rate),
    },
    audio: audio ? { index: audio.index, codec: audio.codec_name!, ...(audio.profile ? { profile: audio.profile } : {}) } : null,
    bitRate: positive(output.format?.bit_rate),
    sizeBytes: context.sizeBytes,
  };
}

/** Refuses what is not a whole video, duration aside; returns the video stream. */
function assertVideo(output: FfprobeOutput, context: ProbeContext) {
  // The Matroska demuxer says so when the header is whole but the file stops inside the first clusters.
  if (/File ended prematurely/.test(context.warnings ?? '')) throw truncated('the file stops before its declared end', context.warnings);

  const formatNames = (output.format?.format_name ?? '').split(',').filter(Boolean);
  if (formatNames.some((name) => IMAGE_FORMATS.test(name))) {
    throw new MediaError('not-a-video', `the file is a still image or text, not a video (${formatNames.join(',')})`);
  }
  const video = mainVideoStream(output);
  if (!video) {
    const hasAudio = output.streams?.some((s) => s.codec_type === 'audio');
    throw new MediaError('not-a-video', hasAudio ? 'the file has no video, only audio' : 'the file has no video stream');
  }
  if (!video.codec_name || !video.width || !video.height) throw new MediaError('not-a-video', 'the video stream has no picture size or codec ffmpeg knows');
  return { formatNames, video: { ...video, codec_name: video.codec_name, width: video.width, height: video.height } };
}

/** The duration the container or the video stream states, if any. */
function statedDuration(output: FfprobeOutput): number | null {
  return positive(output.format?.duration) ?? positive(mainVideoStream(output)?.duration);
}

/** Cover art and thumbnails are video streams of one picture; an audio file with a cover is still audio. */
function mainVideoStream(output: FfprobeOutput) {
  return output.streams?.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic && !s.disposition?.still_image && !s.disposition?.timed_thumbnails);
}

function containerOf(formatNames: string[], majorBrand: string | undefined, layout: ContainerLayout): Container {
  const is = (name: string) => formatNames.includes(name);
  // One demuxer reads MP4 and QuickTime; the brand tells them apart.
  if (is('mov')) return majorBrand?.trim() === 'qt' ? 'mov' : 'mp4';
  // And one reads WebM and Matroska; the EBML DocType does.
  if (is('matroska')) return layout.kind === 'matroska' && layout.docType === 'webm' ? 'webm' : 'matroska';
  for (const name of ['ogg', 'avi', 'mpegts', 'flv'] as const) if (is(name)) return name;
  return 'other';
}

async function regularFileSize(path: string): Promise<number> {
  try {
    const stats = await stat(path);
    if (!stats.isFile()) throw new MediaError('not-a-video', 'not a regular file');
    return stats.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new MediaError('file-not-found', `there is no file to probe (${basename(path)})`, { cause: error });
    throw error;
  }
}

function truncated(why: string, stderr?: string): MediaError {
  return new MediaError('truncated-media', `the file is incomplete, probably cut short during the upload: ${why}`, { stderr });
}

/**
 * ffprobe writes a rate as a fraction ("30000/1001"), and "0/0" when it does not know it: a
 * rate it does not know is left out rather than guessed (federation shows it to other servers).
 */
function frameRateOf(rate: string | undefined): { frameRate?: number } {
  const [frames, seconds] = (rate ?? '').split('/').map(Number);
  const value = frames / (seconds ?? 1);
  return Number.isFinite(value) && value > 0 && value <= 1000 ? { frameRate: Math.round(value * 1000) / 1000 } : {};
}

function positive(value: string | number | undefined): number | null {
  const number = value === undefined ? NaN : Number(value);
  return Number.isFinite(number) && number > 0 ? number : null;
}

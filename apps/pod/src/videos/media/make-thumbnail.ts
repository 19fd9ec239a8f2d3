import { stat } from 'node:fs/promises';
import { writeAtomically } from './atomic-output.js';
import { fileUrl, lastLines, scrubPaths, videoInputArgs } from './ffmpeg-input.js';
import { MediaError } from './media-error.js';
import { runTool } from './run-tool.js';

export interface ThumbnailOptions {
  durationSeconds: number;
  /** Pixels; the height follows the picture's aspect ratio. Every thumbnail of a pod has the same width. */
  width?: number;
  timeoutMs?: number;
}

/** Below this a video is a few frames long: its first frame is as good as any. */
const SHORT_VIDEO_SECONDS = 2;

/**
 * A JPEG of the frame a third of the way in (past intros and black openings), written
 * atomically: on failure no file exists at `output`.
 */
export async function makeThumbnail(input: string, output: string, { durationSeconds, width = 640, timeoutMs = 30_000 }: ThumbnailOptions): Promise<void> {
  const at = thumbnailTime(durationSeconds);
  await writeAtomically(output, async (temp) => {
    // A duration that overstates the video can put the seek past its last frame: then the first frame.
    if (!(await grabFrame(input, temp, at, { width, timeoutMs })) && at > 0) await grabFrame(input, temp, 0, { width, timeoutMs });
    if (!(await stat(temp).catch(() => null))?.size) throw new MediaError('thumbnail-failed', 'the video has no frame to make a thumbnail of');
  });
}

/**
 * The thumbnail makeThumbnail makes, taken from a file still being written (an upload
 * streaming in, read with `-follow`: see read-ahead.ts), so that it is ready when the last
 * byte arrives. True once the frame is written at `output` (atomically); false, with nothing
 * at `output`, when this way gives none: stopped by `signal` before it found the frame, or
 * any failure. The caller then makes it from the whole file, fallbacks and errors included.
 */
export async function makeThumbnailAhead(
  input: string,
  output: string,
  { durationSeconds, width = 640, timeoutMs = 30_000, signal }: ThumbnailOptions & { signal: AbortSignal },
): Promise<boolean> {
  try {
    await writeAtomically(output, async (temp) => {
      const grabbed = await grabFrame(input, temp, thumbnailTime(durationSeconds), { width, timeoutMs, follow: true, signal });
      if (!grabbed) throw new Error('no frame');
    });
    return true;
  } catch {
    return false;
  }
}

/** A third of the way in, past intros and black openings; the first frame of a very short video. */
function thumbnailTime(durationSeconds: number): number {
  return durationSeconds >= SHORT_VIDEO_SECONDS ? durationSeconds / 3 : 0;
}

interface GrabOptions {
  width: number;
  timeoutMs: number;
  /** Read a file still being written (see videoInputArgs). */
  follow?: boolean;
  signal?: AbortSignal;
}

async function grabFrame(input: string, temp: string, atSeconds: number, { width, timeoutMs, follow = false, signal }: GrabOptions): Promise<boolean> {
  const run = await runTool(
    'ffmpeg',
    [
      '-hide_banner', '-nostdin', '-v', 'error', '-y',
      // Before -i: seek by the index, not by decoding everything up to that point.
      '-ss', atSeconds.toFixed(3),
      // Decode keyframes only: the first one at or after the seek point, instead of every frame
      // since the keyframe before it (0.5 s of a 200 MB upload's 0.6 s ingest went there).
      '-skip_frame', 'nokey',
      ...videoInputArgs(input, { follow }),
      '-map', '0:V:0', // capital V: a real video stream, never cover art
      '-frames:v', '1',
      '-vf', `scale=${Math.round(width)}:-2`,
      '-q:v', '3',
      '-f', 'mjpeg',
      fileUrl(temp),
    ],
    { timeoutMs, signal },
  );
  if (run.outcome === 'aborted') throw new MediaError('cancelled', 'making the thumbnail was stopped');
  if (run.outcome === 'timed-out') {
    throw new MediaError('media-timeout', `making the thumbnail took longer than ${Math.round(timeoutMs / 1000)} s`, { stderr: run.stderrTail });
  }
  if (run.exitCode !== 0) {
    const said = lastLines(scrubPaths(run.stderrTail, { input, output: temp }));
    throw new MediaError('thumbnail-failed', `making the thumbnail failed${said ? `: ${said}` : ''}`, { stderr: run.stderrTail });
  }
  return ((await stat(temp).catch(() => null))?.size ?? 0) > 0;
}

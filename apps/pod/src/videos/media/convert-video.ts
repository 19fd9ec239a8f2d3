import { stat } from 'node:fs/promises';
import { writeAtomically } from './atomic-output.js';
import { createProgressParser } from './ffmpeg-progress.js';
import { fileUrl, lastLines, scrubPaths, videoInputArgs } from './ffmpeg-input.js';
import { MediaError } from './media-error.js';
import type { ProcessingPlan } from './plan-processing.js';
import { runTool } from './run-tool.js';

export interface ConvertOptions {
  /** 0..1, growing; 1 once the output is in place. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
  /** Defaults to a generous multiple of the duration (see defaultTimeoutMs). */
  timeoutMs?: number;
}

/**
 * Remuxes or transcodes per the plan into `output`. The output appears whole or not at all:
 * on failure, timeout or abort the temporary file is removed and a MediaError is thrown
 * ('transcode-failed', 'media-timeout' or 'cancelled').
 */
export async function convertVideo(input: string, output: string, plan: ProcessingPlan, options: ConvertOptions = {}): Promise<void> {
  if (plan.action === 'keep') throw new TypeError('convertVideo: the plan keeps the file as it is, there is nothing to convert');
  const verb = plan.action === 'transcode' ? 'transcoding' : 'remuxing';
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs(plan);
  if (options.signal?.aborted) throw cancelled(verb, options.signal);

  await writeAtomically(output, async (temp) => {
    const reportRunning = (fraction: number) => {
      if (fraction < 1) options.onProgress?.(fraction); // 1 is said once the file is in place
    };
    const run = await runTool('ffmpeg', [...conversionArgs(input, plan), fileUrl(temp)], {
      timeoutMs,
      signal: options.signal,
      onStdout: createProgressParser(plan.durationSeconds, reportRunning),
    });
    const said = () => lastLines(scrubPaths(run.stderrTail, { input, output: temp }));
    if (run.outcome === 'aborted') throw cancelled(verb, options.signal, run.stderrTail);
    if (run.outcome === 'timed-out') {
      throw new MediaError('media-timeout', `${verb} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped`, { stderr: run.stderrTail });
    }
    if (run.exitCode !== 0) {
      throw new MediaError('transcode-failed', `${verb} failed (ffmpeg exit ${run.exitCode})${said() ? `: ${said()}` : ''}`, { stderr: run.stderrTail });
    }
    // ffmpeg exits 0 having written nothing when no frame could be decoded.
    if (!(await stat(temp).catch(() => null))?.size) {
      throw new MediaError('transcode-failed', `${verb} produced an empty file${said() ? `: ${said()}` : ''}`, { stderr: run.stderrTail });
    }
  });
  options.onProgress?.(1);
}

/**
 * A wedged ffmpeg must not hold the conversion slot forever. Copying streams runs at disk
 * speed; veryfast on two cores encodes 1080p near real time and 4K several times slower, so
 * twenty times the duration leaves a wide margin.
 */
export function defaultTimeoutMs(plan: ProcessingPlan): number {
  return 120_000 + plan.durationSeconds * (plan.action === 'transcode' ? 20_000 : 2_000);
}

export function conversionArgs(input: string, plan: ProcessingPlan): string[] {
  const maps = ['-map', `0:${plan.videoStreamIndex}`, ...(plan.audioStreamIndex === null ? [] : ['-map', `0:${plan.audioStreamIndex}`])];
  const codecs =
    plan.action === 'remux'
      ? ['-c', 'copy']
      : [
          '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-profile:v', 'high', '-pix_fmt', 'yuv420p',
          // 4:2:0 needs even dimensions; a phone's odd-sized crop would make x264 refuse.
          '-vf', 'scale=trunc(iw/2)*2:trunc(ih/2)*2',
          ...(plan.audioStreamIndex === null ? [] : ['-c:a', 'aac', '-b:a', '128k']),
        ];
  const muxer = plan.container === 'mp4' ? ['-movflags', '+faststart', '-f', 'mp4'] : ['-f', 'webm'];
  return [
    '-hide_banner', '-nostdin', '-v', 'error', '-y',
    ...videoInputArgs(input),
    ...maps,
    ...codecs,
    // Sparse audio next to dense video overflows ffmpeg's default muxing queue.
    '-max_muxing_queue_size', '1024',
    ...muxer,
    '-progress', 'pipe:1', '-nostats', '-stats_period', '0.25',
  ];
}

function cancelled(verb: string, signal: AbortSignal | undefined, stderr?: string): MediaError {
  return new MediaError('cancelled', `${verb} was cancelled`, { stderr, cause: signal?.reason });
}

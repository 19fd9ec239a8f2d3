import { videoInputArgs } from './ffmpeg-input.js';
import { runTool } from './run-tool.js';

export interface MeasuredDuration {
  /** Null when no packet had a timestamp. */
  seconds: number | null;
  /** The demuxer met the end of the file inside an element: the file was cut. */
  endedPrematurely: boolean;
  outcome: 'measured' | 'timed-out';
  stderrTail: string;
}

/**
 * The duration of a file whose header states none, as a browser's MediaRecorder writes
 * WebM: the video packets are read (copied to nowhere, never decoded) and the last
 * timestamp is the length, to within one frame. Costs one pass over the file at disk speed.
 */
export async function measureDuration(path: string, timeoutMs: number): Promise<MeasuredDuration> {
  const run = await runTool(
    'ffmpeg',
    ['-hide_banner', '-nostdin', '-v', 'warning', ...videoInputArgs(path), '-map', '0:V:0', '-c', 'copy', '-f', 'null', '-', '-progress', 'pipe:1', '-nostats'],
    { timeoutMs, maxStdoutBytes: 1024 * 1024 },
  );
  const times = [...run.stdout.matchAll(/^out_time_us=(\d+)$/gm)].map((match) => Number(match[1]));
  const last = times.at(-1);
  return {
    seconds: run.outcome === 'exited' && run.exitCode === 0 && last ? last / 1e6 : null,
    endedPrematurely: /File ended prematurely/.test(run.stderrTail),
    outcome: run.outcome === 'timed-out' ? 'timed-out' : 'measured',
    stderrTail: run.stderrTail,
  };
}

import { spawnTool } from './child-processes.js';

export interface ToolRunOptions {
  /** The tool is killed when this runs out: ffmpeg can hang on a hostile file. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Streams stdout instead of collecting it (ffmpeg's -progress output). */
  onStdout?: (chunk: string) => void;
  /** Collected stdout above this kills the tool: a hostile file can make ffprobe's JSON huge. */
  maxStdoutBytes?: number;
  /** Only the end of stderr is kept: it is where ffmpeg says what went wrong. */
  maxStderrBytes?: number;
}

export interface ToolRun {
  outcome: 'exited' | 'timed-out' | 'aborted' | 'stdout-overflow';
  exitCode: number | null;
  stdout: string;
  stderrTail: string;
}

/**
 * Runs ffmpeg or ffprobe to its end, bounded in time and in memory. Resolves only once the
 * process is gone, so a caller removing a temporary output after a kill cannot race a tool
 * still writing (ffmpeg's +faststart pass reopens its output by name).
 */
export function runTool(command: string, args: string[], options: ToolRunOptions): Promise<ToolRun> {
  const maxStdout = options.maxStdoutBytes ?? 16 * 1024 * 1024;
  const maxStderr = options.maxStderrBytes ?? 64 * 1024;
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      resolve({ outcome: 'aborted', exitCode: null, stdout: '', stderrTail: '' });
      return;
    }
    const child = spawnTool(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let outcome: ToolRun['outcome'] = 'exited';
    const stop = (why: ToolRun['outcome']) => {
      if (outcome !== 'exited' || child.exitCode !== null || child.signalCode !== null) return;
      outcome = why;
      // SIGKILL: on SIGTERM ffmpeg first finishes writing its output, which is the opposite of what is wanted.
      child.kill('SIGKILL');
    };

    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    child.stdout!.on('data', (chunk: Buffer) => {
      if (options.onStdout) return options.onStdout(chunk.toString('utf8'));
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxStdout) return stop('stdout-overflow');
      stdout.push(chunk);
    });
    let stderr: Buffer[] = [];
    let stderrBytes = 0;
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr.push(chunk);
      stderrBytes += chunk.length;
      if (stderrBytes > 2 * maxStderr) {
        const joined = Buffer.concat(stderr);
        stderr = [joined.subarray(joined.length - maxStderr)];
        stderrBytes = maxStderr;
      }
    });

    const timer = setTimeout(() => stop('timed-out'), options.timeoutMs);
    const onAbort = () => stop('aborted');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const cleanUp = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };

    child.on('error', (error: NodeJS.ErrnoException) => {
      cleanUp();
      reject(error.code === 'ENOENT' ? new Error(`${command} is not installed (or not on PATH)`, { cause: error }) : error);
    });
    child.on('close', (exitCode) => {
      cleanUp();
      const tail = Buffer.concat(stderr);
      resolve({
        outcome,
        exitCode,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderrTail: tail.subarray(Math.max(0, tail.length - maxStderr)).toString('utf8'),
      });
    });
  });
}

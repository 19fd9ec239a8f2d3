import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * ffmpeg and ffprobe die with the pod, even when it is killed with SIGKILL (docs/adr/0011-tools-die-with-the-pod.md):
 *
 * 1. They are started through util-linux's `setpriv --pdeathsig KILL`, which sets the
 *    kernel's parent-death signal (prctl PR_SET_PDEATHSIG) and then execs the tool: when the
 *    pod's process ends, however it ends, the kernel kills the tool. Node offers no prctl of
 *    its own; this needs no native addon.
 * 2. Each child's PID is recorded in `<dataDir>/children/` while it runs, with its exact
 *    command line; at start the pod kills any recorded process that still runs that very
 *    command line (a PID reused by anything else is left alone). This covers a machine
 *    without setpriv, and the instant between the fork and the prctl.
 * 3. A tool reading an upload still being written (`-follow 1`) also gives up by itself
 *    when no byte arrives for a while (`-rw_timeout`, see ffmpeg-input.ts).
 */

const SETPRIV = '/usr/bin/setpriv';
const useSetpriv = existsSync(SETPRIV);
let recordDir: string | null = null;

interface ChildRecord {
  /** The process that started it: a record of a live pod process (in-process test pods) is not reaped. */
  parent: number;
  cmdline: string;
}

/** Where this process records its children (the pod's data dir); tests of media functions record nothing. */
export function recordChildrenIn(dir: string): void {
  mkdirSync(dir, { recursive: true });
  recordDir = dir;
}

export function spawnTool(command: string, args: string[], options: SpawnOptions): ChildProcess {
  // A tool missing from PATH is spawned directly, so that the caller gets Node's ENOENT
  // ("ffmpeg is not installed") rather than setpriv's exit code 127.
  const child = useSetpriv && onPath(command) ? spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', command, ...args], options) : spawn(command, args, options);
  const dir = recordDir;
  if (dir && child.pid !== undefined) {
    const file = join(dir, String(child.pid));
    const record: ChildRecord = { parent: process.pid, cmdline: [command, ...args].join('\0') };
    try {
      writeFileSync(file, JSON.stringify(record));
      child.once('close', () => rmSync(file, { force: true }));
    } catch {
      // A record is a second line of defence: a full disk must not stop the tool.
    }
  }
  return child;
}

/** Kills the tools a previous run of the pod left running; returns their PIDs. */
export function reapLeftoverChildren(dir: string): number[] {
  if (!existsSync(dir)) return [];
  const reaped: number[] = [];
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    const pid = Number(name);
    let record: ChildRecord | null = null;
    try {
      record = JSON.parse(readFileSync(file, 'utf8')) as ChildRecord;
    } catch {
      record = null;
    }
    if (record && Number.isSafeInteger(pid) && pid > 0 && !isAlive(record.parent) && commandLineOf(pid) === record.cmdline) {
      try {
        process.kill(pid, 'SIGKILL');
        reaped.push(pid);
      } catch {
        // Gone meanwhile.
      }
    }
    if (!record || !isAlive(record.parent) || record.parent === process.pid) rmSync(file, { force: true });
  }
  return reaped;
}

const found = new Map<string, boolean>();

function onPath(command: string): boolean {
  let known = found.get(command);
  if (known === undefined) {
    known = (process.env.PATH ?? '').split(delimiter).some((dir) => {
      try {
        accessSync(join(dir, command), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
    // Only a found tool is remembered: one installed while the pod runs is found at its next use.
    if (known) found.set(command, known);
  }
  return known;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A process's command line as NUL-separated arguments, or null when it is gone (or a zombie). */
export function commandLineOf(pid: number): string | null {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.length === 0 ? null : raw.replace(/\0$/, '');
  } catch {
    return null;
  }
}

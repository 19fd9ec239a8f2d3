import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The disk's synchronous-write rate where the data lives: 2,000 writes of 4 KiB, each
 * waited for (dd oflag=dsync). An fsync-bound store cannot commit faster than this.
 */
export function measureFsyncRate(dir: string, writes = 2000): number {
  const probe = join(dir, 'fsync-probe.tmp');
  try {
    const run = spawnSync('dd', ['if=/dev/zero', `of=${probe}`, 'bs=4k', `count=${writes}`, 'oflag=dsync'], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`dd failed: ${run.stderr}`);
    const seconds = /copied, ([\d.]+) s/.exec(run.stderr)?.[1];
    if (!seconds) throw new Error(`cannot read dd's timing from: ${run.stderr}`);
    return writes / Number(seconds);
  } finally {
    rmSync(probe, { force: true });
  }
}

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Debian's opentracker as the anchor. The package is built in "private" mode: it serves
 * only the info-hashes of its whitelist (README.Debian), so the bench writes one with its
 * swarms. It refuses to run as root and chroots to tracker.rootdir, so the whitelist
 * lives in a world-readable temporary directory and it drops to the package's user.
 */

export const OPENTRACKER = '/usr/bin/opentracker';

export interface RunningOpentracker {
  readonly pid: number;
  readonly port: number;
  stop(): Promise<void>;
}

export function opentrackerInstalled(): boolean {
  return existsSync(OPENTRACKER);
}

export async function startOpentracker(infoHashesHex: readonly string[], port: number): Promise<RunningOpentracker> {
  const dir = mkdtempSync(join(tmpdir(), 'swarmtube-opentracker-'));
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'whitelist.txt'), `${infoHashesHex.join('\n')}\n`, { mode: 0o644 });
  const user = spawnSync('id', ['-u', '_opentracker']).status === 0 ? '_opentracker' : 'nobody';
  // The whitelist path is read after the chroot: relative to tracker.rootdir.
  writeFileSync(
    join(dir, 'opentracker.conf'),
    `listen.tcp 127.0.0.1:${port}\naccess.whitelist whitelist.txt\ntracker.rootdir ${dir}\ntracker.user ${user}\n`,
    { mode: 0o644 },
  );
  const child: ChildProcess = spawn(OPENTRACKER, ['-f', join(dir, 'opentracker.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    if (child.exitCode !== null) throw new Error(`opentracker exited: ${log}`);
    if (await accepts(port)) break;
    if (Date.now() > deadline) throw new Error(`opentracker did not listen on ${port}: ${log}`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  return {
    pid: child.pid!,
    port,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGINT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bdecode, bencode, type Decoded } from '@swarmtube/torrent';
import { freePort } from './pod-process.js';

/** aria2c, a real desktop BitTorrent client, kept on loopback (PLATFORM-NOTES: no DHT, LPD or PEX). */

export const HAS_ARIA2 = spawnSync('aria2c', ['--version']).status === 0;

/**
 * The same torrent (same info dict, so the same info-hash) with only `tracker` to announce
 * to and no web seed: a client given it can get bytes from peers only.
 */
export function peersOnlyTorrent(torrent: Buffer, tracker: string): Buffer {
  const decoded = bdecode(torrent);
  if (!decoded.ok || !(decoded.value instanceof Map)) throw new Error(`not a torrent: ${decoded.ok ? 'not a dictionary' : decoded.reason}`);
  const info = decoded.value.get('info') as Decoded;
  return bencode(new Map<string, unknown>([['announce', tracker], ['info', info]]) as never);
}

export interface Aria2Run {
  child: ChildProcess;
  rpcPort: number;
  output(): string;
  /** Resolves with the exit code; kills it after timeoutMs. */
  exited(timeoutMs: number): Promise<number | null>;
  /** aria2's own figures for its one download, through its JSON-RPC on loopback (started with `rpc`). */
  status(): Promise<{ completedLength: number; uploadLength: number; connections: number; status: string }>;
  stop(): Promise<void>;
}

/**
 * Runs aria2c on a .torrent file. `seedSeconds` 0: exits once downloaded; more: stays a
 * seeder that long. UDP trackers need aria2's DHT socket: it is on, bootstrap-less, with its
 * own state file, so nothing leaves the machine.
 */
export async function runAria2(
  /** A .torrent file (or a magnet). */
  torrentPath: string, dir: string, options: { udp?: boolean; seedSeconds?: number; rpc?: boolean; extraArgs?: string[] } = {}): Promise<Aria2Run> {
  // aria2 would create the download folder itself, but not before opening its log there.
  mkdirSync(dir, { recursive: true });
  const rpcPort = await freePort();
  const args = [
    `--dir=${dir}`,
    `--listen-port=${await freePort()}`,
    '--enable-peer-exchange=false',
    '--bt-enable-lpd=false',
    '--enable-dht6=false',
    '--disable-ipv6=true',
    '--console-log-level=warn',
    // Its own log, whose tail goes into failure messages: what the tracker and peers said.
    `--log=${join(dir, 'aria2.log')}`,
    '--log-level=info',
    '--summary-interval=0',
    '--file-allocation=none',
    '--bt-stop-timeout=60',
    `--seed-time=${(options.seedSeconds ?? 0) / 60}`,
    // With RPC on, aria2c does not exit when done: only for a client the test asks for its figures.
    ...(options.rpc ? ['--enable-rpc=true', `--rpc-listen-port=${rpcPort}`, '--rpc-listen-all=false', '--rpc-secret=swarmtube-test'] : []),
    ...(options.udp ? ['--enable-dht=true', `--dht-listen-port=${await freePort()}`, `--dht-file-path=${join(dir, 'dht.dat')}`] : ['--enable-dht=false']),
    ...(options.extraArgs ?? []),
    torrentPath,
  ];
  const child = spawn('aria2c', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const run: Aria2Run = {
    child,
    rpcPort,
    output: () => log,
    async exited(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`aria2c did not finish in ${timeoutMs} ms: ${log.slice(-1000)}\n--- aria2.log ---\n${logTail(join(dir, 'aria2.log'))}`));
        }, timeoutMs);
      });
      try {
        return await Promise.race([exit, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async status() {
      const response = await fetch(`http://127.0.0.1:${rpcPort}/jsonrpc`, {
        method: 'POST',
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'aria2.tellActive', params: ['token:swarmtube-test', ['completedLength', 'uploadLength', 'connections', 'status']] }),
      });
      const { result } = (await response.json()) as { result: Array<Record<string, string>> };
      const one = result[0] ?? { completedLength: '0', uploadLength: '0', connections: '0', status: 'none' };
      return { completedLength: Number(one.completedLength), uploadLength: Number(one.uploadLength), connections: Number(one.connections), status: one.status };
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exit;
      }
    },
  };
  return run;
}

function logTail(path: string): string {
  if (!existsSync(path)) return '(no log)';
  return readFileSync(path, 'utf8').split('\n').filter((line) => !/\[DEBUG\]|socket: read/.test(line)).slice(-40).join('\n');
}

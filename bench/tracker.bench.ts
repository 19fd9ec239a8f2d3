import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, printFigure, printRatio, printSummary, round } from './lib/bench-report.js';
import { freePort, opentrackerInstalled, startOpentracker } from './lib/opentracker.js';
import { benchInfoHashes, BENCH_SWARMS } from './lib/tracker-swarms.js';

/**
 * The tracker (libs/tracker), two figures.
 *
 * 1. HTTP announces per CPU-second of the server process, ours against Debian's
 *    opentracker run beside it, under the same load: one load generator (its own
 *    process, loopback, bounded) announcing into 1,000 swarms (opentracker's whitelist
 *    filled with them). CPU = utime + stime from /proc/<pid>/stat, all threads. Rounds
 *    alternate ours and opentracker; each figure is the median. Goal: ≥ 0.5x.
 *    The generator keeps connections alive unless the server closes them (opentracker
 *    closes after every answer, so it reconnects there); a second pass asks both for
 *    `Connection: close`, one request per connection. A Node http server that answers a
 *    constant body (no tracker code) is measured too: the ceiling Node sets.
 * 2. WebSocket peers held per GB of RSS: 19,000 idle WebTorrent-style peers (another
 *    process, the ws package) connect and announce; RSS of the tracker process after a
 *    full GC, before and after. Goal: ≥ 250,000 peers per GB of RSS growth. Total RSS
 *    is printed too (it includes Node itself: ~45 MB before any peer).
 *
 *   node dist/bench/tracker.bench.js
 *   env: BENCH_ROUNDS=3 BENCH_SECONDS=5 BENCH_CONNECTIONS=32 BENCH_PEERS_PER_SWARM=20
 *        BENCH_WS_PEERS=19000 BENCH_ONLY=http|ws
 */

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const PEERS_PER_SWARM = Number(process.env.BENCH_PEERS_PER_SWARM ?? 20);
const WS_PEERS = Number(process.env.BENCH_WS_PEERS ?? 19_000);
const ONLY = process.env.BENCH_ONLY;
const GOAL_HTTP = 0.5;
const GOAL_WS_PER_GB = 250_000;
const GB = 1024 ** 3;

const here = dirname(fileURLToPath(import.meta.url));
const lib = (name: string): string => join(here, 'lib', name);
const TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU-seconds (user + system, every thread) a process has used so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS; // fields 14 and 15 of proc(5)
}

/**
 * A node child with the open-file limit raised to the hard limit (19,000 sockets need
 * it); `exec` keeps the pid, so /proc/<pid> is node's own.
 */
function nodeChild(args: string[], ipc = false): ChildProcess {
  return spawn('/bin/sh', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"', process.execPath, ...args], {
    stdio: ['ignore', 'pipe', 'inherit', ...(ipc ? (['ipc'] as const) : [])],
  });
}

function firstLine(child: ChildProcess, what: string, timeoutMs: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`${what}: no answer in ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      text += chunk.toString();
      const end = text.indexOf('\n');
      if (end < 0) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolve(JSON.parse(text.slice(0, end)) as Record<string, unknown>);
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${what} exited (${code})`)));
  });
}

function ask<T>(child: ChildProcess, cmd: string): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (message) => resolve(message as T));
    child.send({ cmd });
  });
}

interface LoadResult {
  done: number;
  failures: number;
  errors: number;
  reconnects: number;
  serverCloses: boolean;
  elapsed: number;
}

async function load(port: number, mode: 'keep-alive' | 'close', populate = false): Promise<LoadResult> {
  const child = nodeChild([lib('tracker-load.js'), String(port), String(SECONDS), String(CONNECTIONS), String(PEERS_PER_SWARM), mode, ...(populate ? ['populate'] : [])]);
  return (await firstLine(child, 'load generator', (SECONDS + 130) * 1000)) as unknown as LoadResult;
}

interface Measured {
  announcesPerCpuSecond: number;
  announcesPerSecond: number;
  failures: number;
}

async function measure(pid: number, port: number, mode: 'keep-alive' | 'close'): Promise<Measured> {
  const before = cpuSeconds(pid);
  const result = await load(port, mode);
  const cpu = cpuSeconds(pid) - before;
  return { announcesPerCpuSecond: result.done / cpu, announcesPerSecond: result.done / result.elapsed, failures: result.failures + result.errors };
}

async function httpFigures(): Promise<Record<string, unknown>> {
  if (!opentrackerInstalled()) {
    console.log('  opentracker is not installed (apt-get install -y opentracker): HTTP figure skipped');
    return { skipped: 'opentracker not installed' };
  }
  const hashes = benchInfoHashes().map((hash) => hash.toString('hex'));
  const ours = nodeChild([lib('tracker-server.js')], true);
  const floor = nodeChild([lib('tracker-server.js'), '--constant'], true);
  const anchor = await startOpentracker(hashes, await freePort());
  try {
    const { port } = (await firstLine(ours, 'our tracker', 10_000)) as { port: number };
    const { port: floorPort } = (await firstLine(floor, 'constant server', 10_000)) as { port: number };
    console.log(`  ${BENCH_SWARMS} swarms × ${PEERS_PER_SWARM} peers, ${CONNECTIONS} connections, ${SECONDS} s a run, ${ROUNDS} rounds`);
    for (const [name, targetPort] of [['ours', port], ['opentracker', anchor.port]] as const) {
      const populated = await load(targetPort, 'keep-alive', true);
      if (populated.failures > 0 || populated.done !== BENCH_SWARMS * PEERS_PER_SWARM) {
        throw new Error(`${name}: populating gave ${populated.done} answers, ${populated.failures} failures (whitelist?)`);
      }
    }
    const runs: Record<'keep-alive' | 'close', { ours: Measured[]; anchor: Measured[]; floor: Measured[] }> = {
      'keep-alive': { ours: [], anchor: [], floor: [] },
      close: { ours: [], anchor: [], floor: [] },
    };
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of ['keep-alive', 'close'] as const) {
        runs[mode].ours.push(await measure(ours.pid!, port, mode));
        runs[mode].anchor.push(await measure(anchor.pid, anchor.port, mode));
        runs[mode].floor.push(await measure(floor.pid!, floorPort, mode));
      }
    }
    const failures = [...runs['keep-alive'].ours, ...runs['keep-alive'].anchor, ...runs.close.ours, ...runs.close.anchor].reduce((n, m) => n + m.failures, 0);
    const summary: Record<string, unknown> = { failures };
    let met = true;
    for (const mode of ['keep-alive', 'close'] as const) {
      const oursCpu = median(runs[mode].ours.map((m) => m.announcesPerCpuSecond));
      const anchorCpu = median(runs[mode].anchor.map((m) => m.announcesPerCpuSecond));
      const label = mode === 'keep-alive' ? 'same client (keep-alive where the server allows)' : 'Connection: close for both';
      console.log(`  -- ${label}`);
      printFigure({ name: 'ours: announces per CPU-second', value: oursCpu, unit: 'announces/CPU-s' });
      printFigure({ name: 'opentracker: announces per CPU-second', value: anchorCpu, unit: 'announces/CPU-s' });
      const floorCpu = median(runs[mode].floor.map((m) => m.announcesPerCpuSecond));
      printFigure({ name: 'Node http, constant answer (no tracker): per CPU-second', value: floorCpu, unit: 'answers/CPU-s' });
      printFigure({ name: 'ours: announces per second (shared 2 cores)', value: median(runs[mode].ours.map((m) => m.announcesPerSecond)), unit: 'announces/s' });
      printFigure({ name: 'opentracker: announces per second (shared 2 cores)', value: median(runs[mode].anchor.map((m) => m.announcesPerSecond)), unit: 'announces/s' });
      const ratio = oursCpu / anchorCpu;
      const modeMet = printRatio(`ratio ours / opentracker, per CPU-second${mode === 'close' ? ' (close)' : ''}`, ratio, GOAL_HTTP);
      met = met && modeMet;
      printFigure({ name: 'ceiling for a Node handler: constant / opentracker', value: floorCpu / anchorCpu, unit: 'x' });
      summary[mode] = { ours: round(oursCpu, 0), opentracker: round(anchorCpu, 0), nodeFloor: round(floorCpu, 0), ratio: round(ratio), met: modeMet };
    }
    if (failures > 0) console.log(`  WARNING: ${failures} failed or refused announces during the runs`);
    // Met only if met both ways: real clients announce minutes apart, so in the field
    // most announces arrive on a fresh connection, as in the `close` pass.
    return { ...summary, met };
  } finally {
    ours.kill();
    floor.kill();
    await anchor.stop();
  }
}

async function wsFigures(): Promise<Record<string, unknown>> {
  const server = nodeChild(['--expose-gc', lib('tracker-server.js')], true);
  let peers: ChildProcess | null = null;
  try {
    const { port } = (await firstLine(server, 'our tracker', 10_000)) as { port: number };
    const before = await settledMemory(server);
    const started = Date.now();
    peers = nodeChild([lib('tracker-ws-peers.js'), String(port), String(WS_PEERS)], true);
    const result = (await firstLine(peers, 'WebSocket peers', 300_000)) as { announced: number; failed: number };
    const seconds = (Date.now() - started) / 1000;
    const stats = await ask<{ wsConnections: number; wsPeers: number }>(server, 'stats');
    const after = await settledMemory(server);
    console.log(`  memory settled ${after.seconds.toFixed(0)} s after the last announce`);
    const grown = after.rss - before.rss;
    const perGbGrowth = stats.wsPeers / (grown / GB);
    const perGbTotal = stats.wsPeers / (after.rss / GB);
    console.log(`  ${result.announced} of ${WS_PEERS} peers announced in ${seconds.toFixed(1)} s (${result.failed} failed); tracker holds ${stats.wsConnections} connections, ${stats.wsPeers} swarm members`);
    printFigure({ name: 'RSS before peers (after GC)', value: before.rss / 2 ** 20, unit: 'MiB' });
    printFigure({ name: `RSS with ${stats.wsPeers} peers (after GC)`, value: after.rss / 2 ** 20, unit: 'MiB' });
    printFigure({ name: '  of which file-backed (the node binary)', value: after.rssFile / 2 ** 20, unit: 'MiB' });
    printFigure({ name: 'RSS growth per peer', value: grown / stats.wsPeers, unit: 'bytes' });
    printFigure({ name: 'JS heap per peer', value: (after.heapUsed - before.heapUsed) / stats.wsPeers, unit: 'bytes' });
    printFigure({ name: 'peers per GB of total RSS', value: perGbTotal, unit: 'peers/GB' });
    printFigure({ name: 'peers per GB of RSS growth', value: perGbGrowth, unit: 'peers/GB' });
    const met = printRatio('peers per GB of RSS growth / 250,000', perGbGrowth / GOAL_WS_PER_GB, 1);
    return {
      peers: stats.wsPeers,
      rssBeforeMiB: round(before.rss / 2 ** 20, 1),
      rssAfterMiB: round(after.rss / 2 ** 20, 1),
      bytesPerPeer: round(grown / stats.wsPeers, 0),
      perGbGrowth: round(perGbGrowth, 0),
      perGbTotal: round(perGbTotal, 0),
      met,
    };
  } finally {
    peers?.kill();
    server.kill();
  }
}

interface Memory {
  rss: number;
  heapUsed: number;
  rssAnon: number;
  rssFile: number;
}

/**
 * Memory once it stops falling. After a burst of connections V8 keeps its grown young
 * generation (32 MiB) until its memory reducer runs, some 8 s after allocation calms
 * down: sample once a second (a full GC each time) until ten samples in a row agree
 * within 1 MiB. Bounded (90 s).
 */
async function settledMemory(server: ChildProcess): Promise<Memory & { seconds: number }> {
  const started = Date.now();
  const samples: Memory[] = [];
  for (;;) {
    samples.push(await ask<Memory>(server, 'memory'));
    const recent = samples.slice(-10).map((m) => m.rss);
    if ((recent.length === 10 && Math.max(...recent) - Math.min(...recent) < 2 ** 20) || Date.now() - started > 90_000) {
      return { ...samples[samples.length - 1], seconds: (Date.now() - started) / 1000 };
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

const summary: Record<string, unknown> = { bench: 'tracker' };
if (ONLY !== 'ws') {
  console.log('HTTP announces per CPU-second, ours vs opentracker');
  summary.http = await httpFigures();
}
if (ONLY !== 'http') {
  console.log(`WebSocket peers per GB of RSS (${WS_PEERS} idle WebTorrent-style peers)`);
  summary.ws = await wsFigures();
}
printSummary(summary);

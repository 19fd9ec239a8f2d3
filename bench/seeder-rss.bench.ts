import { fork, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bencode } from '@swarmtube/torrent';
import { startTestTracker, type TestTracker } from '../apps/pod/src/seeder/seeder-test-support.js';
import { printFigure, printRatio, printSummary, round } from './lib/bench-report.js';

/**
 * The seeder's memory (apps/pod/src/seeder). A child process seeds 1,000 small videos
 * (256 KiB random files in os.tmpdir()) through our Seeder; another child seeds the same
 * 1,000 torrents with a bare webtorrent client (`new WebTorrent()` with only what running
 * offline needs: no DHT, LSD, UPnP/NAT-PMP, STUN; `client.add(torrent, {path, skipVerify})`
 * so neither hashes). One after the other, both announce to the same local libs/tracker
 * tracker (ws, http and udp, as the pod's torrents list them).
 *
 * Figures per child: RSS once started (nothing seeded), peak RSS (VmHWM: the whole run,
 * including the announce burst), and RSS after a full GC `BENCH_SETTLE_SECONDS` after the
 * last torrent started (by then bittorrent-tracker has dropped the WebRTC offers a bare
 * client makes at each announce, which it keeps 50 s). Goal: our seeder process under
 * 300 MB at its peak (whole process, Node included).
 *
 *   node dist/bench/seeder-rss.bench.js
 *   env: BENCH_VIDEOS=1000 BENCH_VIDEO_BYTES=262144 BENCH_SETTLE_SECONDS=60 BENCH_ONLY=ours|bare
 */

const VIDEOS = Number(process.env.BENCH_VIDEOS ?? 1000);
const VIDEO_BYTES = Number(process.env.BENCH_VIDEO_BYTES ?? 256 * 1024);
const SETTLE_SECONDS = Number(process.env.BENCH_SETTLE_SECONDS ?? 60);
const ONLY = process.env.BENCH_ONLY;
const GOAL_MB = 300;
/** What create-torrent picks for a 256 KiB file (size / 1024, at least 16 KiB): 16 pieces. */
const PIECE_LENGTH = 16 * 1024;
const MB = 1e6;

type Mode = 'ours' | 'bare';

interface Manifest {
  videos: Array<{ infoHash: string; torrentPath: string; filePath: string }>;
}

interface ChildReport {
  startedRss: number;
  seedSeconds: number;
  peakRss: number;
  settledRss: number;
  settledHeapUsed: number;
  settledExternal: number;
  /** CPU (user + system) while idle over the settle period, as a share of one core. */
  idleCpuShare: number;
  torrents: number;
}

// ---- child ----------------------------------------------------------------------------

function statusBytes(field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

function settle(): { rss: number; heapUsed: number; external: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const usage = process.memoryUsage();
  return { rss: statusBytes('VmRSS'), heapUsed: usage.heapUsed, external: usage.external };
}

async function child(mode: Mode, manifestPath: string): Promise<void> {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const videos = manifest.videos.map((video) => ({ ...video, torrentFile: readFileSync(video.torrentPath) }));
  let torrents: () => number;
  let close: () => Promise<void>;
  let seedAll: () => Promise<void>;
  if (mode === 'ours') {
    const { Seeder } = await import('../apps/pod/src/seeder/seeder.js');
    const seeder = await Seeder.start({ peerPort: 0, announceTimeoutMs: 30_000, logger: { log: () => undefined, warn: console.warn, error: console.error } });
    torrents = () => seeder.stats().torrents;
    close = () => seeder.close();
    seedAll = async () => {
      await Promise.all(videos.map((video) => seeder.seed(video)));
    };
  } else {
    const { default: WebTorrent } = await import('webtorrent');
    const client = new WebTorrent({ dht: false, lsd: false, natUpnp: false, natPmp: false, tracker: { rtcConfig: { iceServers: [] } } });
    client.on('error', (error: Error) => console.error(`bare client: ${error.message}`));
    await new Promise<void>((resolve) => (client.listening ? resolve() : client.once('listening', () => resolve())));
    torrents = () => client.torrents.length;
    close = () => new Promise<void>((resolve) => client.destroy(() => resolve()));
    seedAll = async () => {
      await Promise.all(
        videos.map(
          (video) =>
            new Promise<void>((resolve, reject) => {
              const torrent = client.add(video.torrentFile, { path: dirname(video.filePath), skipVerify: true });
              torrent.once('ready', () => resolve());
              torrent.once('error', reject);
            }),
        ),
      );
    };
  }
  const started = settle();
  const t0 = process.hrtime.bigint();
  await seedAll();
  const seedSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  process.send?.({ phase: 'seeded' });
  const cpuBefore = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, SETTLE_SECONDS * 1000));
  const cpu = process.cpuUsage(cpuBefore);
  const settled = settle();
  const report: ChildReport = {
    startedRss: started.rss,
    seedSeconds,
    peakRss: statusBytes('VmHWM'),
    settledRss: settled.rss,
    settledHeapUsed: settled.heapUsed,
    settledExternal: settled.external,
    idleCpuShare: (cpu.user + cpu.system) / 1e6 / SETTLE_SECONDS,
    torrents: torrents(),
  };
  process.send?.({ phase: 'report', report });
  await close();
  process.disconnect?.();
}

// ---- parent ---------------------------------------------------------------------------

function makeTorrentFile(content: Buffer, name: string, announce: string[]): { torrentFile: Buffer; infoHash: string } {
  const pieces: Buffer[] = [];
  for (let offset = 0; offset < content.length; offset += PIECE_LENGTH) {
    pieces.push(createHash('sha1').update(content.subarray(offset, offset + PIECE_LENGTH)).digest());
  }
  const info = { length: content.length, name, 'piece length': PIECE_LENGTH, pieces: Buffer.concat(pieces) };
  const infoHash = createHash('sha1').update(bencode(info)).digest('hex');
  const torrentFile = bencode({ announce: announce[0], 'announce-list': announce.map((url) => [url]), info });
  return { torrentFile, infoHash };
}

function prepare(work: string, tracker: TestTracker): string {
  const announce = [tracker.announce.ws, tracker.announce.http, tracker.announce.udp];
  const manifest: Manifest = { videos: [] };
  for (let i = 0; i < VIDEOS; i++) {
    const name = `video-${String(i).padStart(4, '0')}.mp4`;
    const filePath = join(work, name);
    const content = randomBytes(VIDEO_BYTES);
    writeFileSync(filePath, content);
    const { torrentFile, infoHash } = makeTorrentFile(content, name, announce);
    const torrentPath = join(work, `${name}.torrent`);
    writeFileSync(torrentPath, torrentFile);
    tracker.allow(infoHash);
    manifest.videos.push({ infoHash, torrentPath, filePath });
  }
  const manifestPath = join(work, 'manifest.json');
  writeFileSync(manifestPath, JSON.stringify(manifest));
  return manifestPath;
}

async function run(mode: Mode, manifestPath: string, tracker: TestTracker): Promise<ChildReport & { announces: number }> {
  const before = tracker.tracker.stats().announces;
  const proc: ChildProcess = fork(fileURLToPath(import.meta.url), ['--child', mode, manifestPath], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const report = await new Promise<ChildReport>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${mode}: no report in time`)), (SETTLE_SECONDS + 300) * 1000);
      proc.on('message', (message: { phase: string; report?: ChildReport }) => {
        if (message.phase === 'seeded') console.log(`  ${mode}: ${VIDEOS} torrents started, settling ${SETTLE_SECONDS} s`);
        if (message.phase === 'report' && message.report) {
          clearTimeout(timer);
          resolve(message.report);
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${mode} child exited (${code}) before reporting`));
      });
    });
    const after = tracker.tracker.stats().announces;
    const announces = after.http + after.udp + after.ws - (before.http + before.udp + before.ws);
    return { ...report, announces };
  } finally {
    await new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      proc.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

function print(mode: Mode, label: string, report: ChildReport & { announces: number }): void {
  console.log(`  -- ${label}`);
  printFigure({ name: 'RSS started, nothing seeded (after GC)', value: report.startedRss / MB, unit: 'MB' });
  printFigure({ name: `peak RSS (VmHWM) over the run`, value: report.peakRss / MB, unit: 'MB' });
  printFigure({ name: `RSS ${SETTLE_SECONDS} s after the last start (after GC)`, value: report.settledRss / MB, unit: 'MB' });
  printFigure({ name: '  of which JS heap used', value: report.settledHeapUsed / MB, unit: 'MB' });
  printFigure({ name: 'settled RSS growth per torrent', value: (report.settledRss - report.startedRss) / report.torrents / 1024, unit: 'KiB' });
  printFigure({ name: `seconds to start ${report.torrents} torrents`, value: report.seedSeconds, unit: 's' });
  printFigure({ name: 'announces the tracker received', value: report.announces, unit: 'announces' });
  printFigure({ name: 'CPU while idle, settle period', value: report.idleCpuShare * 100, unit: '% of a core' });
}

async function main(): Promise<void> {
  console.log(`Seeder RSS: ${VIDEOS} videos of ${VIDEO_BYTES / 1024} KiB, ours vs a bare webtorrent client`);
  const work = mkdtempSync(join(tmpdir(), 'swarmtube-seeder-rss-'));
  const tracker = await startTestTracker({ rateLimit: false });
  const summary: Record<string, unknown> = { bench: 'seeder-rss', videos: VIDEOS, videoBytes: VIDEO_BYTES };
  try {
    const manifestPath = prepare(work, tracker);
    const reports: Partial<Record<Mode, ChildReport & { announces: number }>> = {};
    for (const mode of ['bare', 'ours'] as const) {
      if (ONLY && ONLY !== mode) continue;
      reports[mode] = await run(mode, manifestPath, tracker);
      print(mode, mode === 'ours' ? 'our Seeder' : 'bare webtorrent client (anchor)', reports[mode]);
      summary[mode] = {
        startedMB: round(reports[mode].startedRss / MB, 1),
        peakMB: round(reports[mode].peakRss / MB, 1),
        settledMB: round(reports[mode].settledRss / MB, 1),
        seedSeconds: round(reports[mode].seedSeconds, 2),
        announces: reports[mode].announces,
        idleCpuPercent: round(reports[mode].idleCpuShare * 100, 1),
      };
    }
    const ours = reports.ours;
    const bare = reports.bare;
    if (ours && bare) {
      console.log('  -- ours against the anchor');
      printFigure({ name: 'peak RSS, ours / bare', value: ours.peakRss / bare.peakRss, unit: 'x' });
      printFigure({ name: 'settled RSS, ours / bare', value: ours.settledRss / bare.settledRss, unit: 'x' });
      printFigure({
        name: 'settled growth per torrent, ours / bare',
        value: (ours.settledRss - ours.startedRss) / (bare.settledRss - bare.startedRss),
        unit: 'x',
      });
      summary.peakRatio = round(ours.peakRss / bare.peakRss);
      summary.settledRatio = round(ours.settledRss / bare.settledRss);
    }
    if (ours) {
      const met = printRatio(`${GOAL_MB} MB / our peak RSS`, (GOAL_MB * MB) / ours.peakRss, 1);
      summary.met = met;
    }
  } finally {
    await tracker.close();
    rmSync(work, { recursive: true, force: true });
  }
  printSummary(summary);
}

if (process.argv[2] === '--child') await child(process.argv[3] as Mode, process.argv[4]);
else await main();

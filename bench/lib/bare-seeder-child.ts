import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The anchor of bench/pod-rss.bench.ts, in a process of its own (forked with --expose-gc and
 * an IPC channel): a bare `new WebTorrent()` (only what running offline needs: no DHT, LSD,
 * UPnP/NAT-PMP, STUN) seeding the torrents of a manifest, `client.add(torrent, {path,
 * skipVerify})` so that nothing is hashed (as in bench/seeder-rss.bench.ts). It reports
 * RSS once started, the peak (VmHWM), and RSS `settleSeconds` after the last torrent was
 * ready, both as it is (comparable with a pod, which nobody GCs) and after a full GC.
 *
 *   argv: <manifest.json> <settleSeconds>
 *   manifest: { videos: [{ infoHash, torrentPath, filePath }] }
 */

export interface BareSeederReport {
  startedRss: number;
  seedSeconds: number;
  peakRss: number;
  settledRss: number;
  settledRssAfterGc: number;
  heapUsedAfterGc: number;
  idleCpuShare: number;
  torrents: number;
}

function statusBytes(field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

async function main(): Promise<void> {
  const [manifestPath, settle] = process.argv.slice(2);
  const settleSeconds = Number(settle);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { videos: Array<{ infoHash: string; torrentPath: string; filePath: string }> };
  const videos = manifest.videos.map((video) => ({ ...video, torrentFile: readFileSync(video.torrentPath) }));
  const { default: WebTorrent } = await import('webtorrent');
  const client = new WebTorrent({ dht: false, lsd: false, natUpnp: false, natPmp: false, tracker: { rtcConfig: { iceServers: [] } } });
  client.on('error', (error: Error) => console.error(`bare client: ${error.message}`));
  await new Promise<void>((resolve) => (client.listening ? resolve() : client.once('listening', () => resolve())));
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const startedRss = statusBytes('VmRSS');
  const t0 = process.hrtime.bigint();
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
  const seedSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  process.send?.({ phase: 'seeded' });
  const cpuBefore = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, settleSeconds * 1000));
  const cpu = process.cpuUsage(cpuBefore);
  const settledRss = statusBytes('VmRSS');
  const peakRss = statusBytes('VmHWM');
  gc?.();
  const report: BareSeederReport = {
    startedRss,
    seedSeconds,
    peakRss,
    settledRss,
    settledRssAfterGc: statusBytes('VmRSS'),
    heapUsedAfterGc: process.memoryUsage().heapUsed,
    idleCpuShare: (cpu.user + cpu.system) / 1e6 / settleSeconds,
    torrents: client.torrents.length,
  };
  process.send?.({ phase: 'report', report });
  await new Promise<void>((resolve) => client.destroy(() => resolve()));
  process.disconnect?.();
}

await main();

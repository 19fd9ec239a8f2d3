import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestTracker, type TestTracker } from '../apps/pod/src/seeder/seeder-test-support.js';
import { bdecode, bencode, type BValue, type Decoded } from '@swarmtube/torrent';
import { createPodProcess, type PodProcess } from '@swarmtube/testing';
import type { BareSeederReport } from './lib/bare-seeder-child.js';
import { printFigure, printRatio, printSummary, round } from './lib/bench-report.js';
import { cpuSeconds, findPodPid, freeBox, get, makeH264Mp4, Scraper, sleep, statusBytes, streamUpload } from './lib/pod-upload.js';

/**
 * The whole pod's memory while it seeds 1,000 videos. Goal: under 300 MB (RSS of the pod
 * process, Node, NestJS, SQLite, tracker and seeder included).
 *
 * A pod in its own process (libs/testing createPodProcess, SQLite) receives BENCH_VIDEOS
 * uploads through POST /api/v1/videos/upload, BENCH_CONCURRENCY at a time: one small
 * H.264/AAC faststart MP4 made with ffmpeg (2 s, 320x240), each copy made distinct by a
 * 16-byte MP4 `free` box appended at its end (a valid file ffprobe reads and the pod keeps
 * as it is, so every upload goes through ffprobe, thumbnail, torrent, event and seeder).
 * Each uploader waits for its video to be `published` before the next upload; then the
 * pod's tracker is scraped (from 127.0.0.2+, not the seeder's own address) until it lists
 * the seeder in every swarm. After BENCH_SETTLE_SECONDS of quiet: VmRSS and VmHWM (peak,
 * the whole run) of the pod process from /proc (the pid: the child whose environment names
 * its data dir). Nobody forces a GC in the pod: figures are what an operator would see.
 *
 * The anchor, same run, after the pod stopped: a bare `new WebTorrent()` in another process
 * (bench/lib/bare-seeder-child.ts, as in bench/seeder-rss.bench.ts) seeding the very files
 * the pod stored, with the pod's .torrent files (same info-hashes) announcing to a local
 * libs/tracker tracker instead (ws, http, udp, no rate limit) since the pod is gone.
 *
 *   node dist/bench/pod-rss.bench.js          (about 5 minutes with the defaults)
 *   env: BENCH_VIDEOS=1000 BENCH_CONCURRENCY=4 BENCH_SETTLE_SECONDS=60 BENCH_ONLY=ours
 */

const VIDEOS = Number(process.env.BENCH_VIDEOS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const SETTLE_SECONDS = Number(process.env.BENCH_SETTLE_SECONDS ?? 60);
const ONLY = process.env.BENCH_ONLY;
const GOAL_MB = 300;
const MB = 1e6;
const POLL_MS = 20;

interface Uploaded {
  uuid: string;
  infoHash: string;
}

async function waitPublished(pod: PodProcess, uuid: string, agent: http.Agent): Promise<string> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const response = await get(`${pod.baseUrl}/api/v1/videos/${uuid}`, { agent });
    const video = JSON.parse(response.body.toString()) as { state: string; infoHash?: string; error?: unknown };
    if (video.state === 'published') return video.infoHash!;
    if (video.state !== 'processing') throw new Error(`video ${uuid} is ${video.state}: ${JSON.stringify(video.error)}`);
    if (Date.now() > deadline) throw new Error(`video ${uuid} not published after 120 s`);
    await sleep(POLL_MS);
  }
}

async function metric(pod: PodProcess, name: string): Promise<number> {
  const text = (await get(`${pod.baseUrl}/metrics`)).body.toString();
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text);
  return match ? Number(match[1]) : Number.NaN;
}

/** The pod's .torrent with its announce list pointed at `tracker` and no web seed (the pod is stopped). */
function retarget(torrentFile: Buffer, tracker: TestTracker): Buffer {
  const decoded = bdecode(torrentFile);
  if (!decoded.ok || !(decoded.value instanceof Map)) throw new Error(`not a torrent: ${decoded.ok ? 'not a dict' : decoded.reason}`);
  const torrent = new Map<string, Decoded>(decoded.value);
  torrent.delete('url-list');
  torrent.set('announce', Buffer.from(tracker.announce.ws));
  torrent.set('announce-list', [[Buffer.from(tracker.announce.ws)], [Buffer.from(tracker.announce.http)], [Buffer.from(tracker.announce.udp)]]);
  return bencode(torrent as unknown as BValue);
}

async function runAnchor(work: string, dataDir: string, videos: Uploaded[]): Promise<BareSeederReport & { announces: number }> {
  const tracker = await startTestTracker({ rateLimit: false });
  try {
    const manifest = {
      videos: videos.map((video) => {
        const torrentPath = join(work, `${video.uuid}.torrent`);
        writeFileSync(torrentPath, retarget(readFileSync(join(dataDir, 'torrents', `${video.uuid}.torrent`)), tracker));
        tracker.allow(video.infoHash);
        return { infoHash: video.infoHash, torrentPath, filePath: join(dataDir, 'web-videos', `${video.uuid}.mp4`) };
      }),
    };
    const manifestPath = join(work, 'manifest.json');
    writeFileSync(manifestPath, JSON.stringify(manifest));
    const child = fork(fileURLToPath(new URL('./lib/bare-seeder-child.js', import.meta.url)), [manifestPath, String(SETTLE_SECONDS)], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    try {
      const report = await new Promise<BareSeederReport>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('bare client: no report in time')), (SETTLE_SECONDS + 300) * 1000);
        child.on('message', (message: { phase: string; report?: BareSeederReport }) => {
          if (message.phase === 'seeded') console.log(`  bare client: ${videos.length} torrents ready, settling ${SETTLE_SECONDS} s`);
          if (message.phase === 'report' && message.report) {
            clearTimeout(timer);
            resolve(message.report);
          }
        });
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`bare client exited (${code}) before reporting`));
        });
      });
      const announces = tracker.tracker.stats().announces;
      return { ...report, announces: announces.http + announces.udp + announces.ws };
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await new Promise((resolve) => child.once('exit', resolve));
        clearTimeout(killer);
      }
    }
  } finally {
    await tracker.close();
  }
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'swarmtube-pod-rss-'));
  let pod: PodProcess | undefined;
  const summary: Record<string, unknown> = { bench: 'pod-rss', videos: VIDEOS, concurrency: CONCURRENCY, settleSeconds: SETTLE_SECONDS };
  try {
    const basePath = join(work, 'base.mp4');
    await makeH264Mp4(basePath, { seconds: 2, width: 320, height: 240, fps: 25, videoBitrate: '300k' });
    const base = readFileSync(basePath);
    console.log(`Pod RSS: ${VIDEOS} uploads of a ${(base.length / 1024).toFixed(0)} KiB H.264/AAC MP4 (+16 bytes each), ${CONCURRENCY} at a time, then ${SETTLE_SECONDS} s of quiet`);

    pod = await createPodProcess({ name: 'pod-rss-bench' });
    await pod.start();
    const pid = findPodPid(pod.dataDir);
    const token = await pod.adminToken();
    await sleep(2000);
    const startedRss = statusBytes(pid, 'VmRSS');
    const startedAnon = statusBytes(pid, 'RssAnon');
    const startedHeap = await metric(pod, 'swarmtube_nodejs_heap_size_used_bytes');
    const timeline: Array<{ videos: number; rss: number }> = [];
    let done = 0;

    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 });
    const videos: Uploaded[] = new Array(VIDEOS);
    let next = 0;
    const checkpoints = new Set([1, 10, 100, 250, 500, 750, VIDEOS].filter((n) => n <= VIDEOS));
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < VIDEOS) {
          const i = next++;
          const upload = await streamUpload(pod!.baseUrl, token, { name: `video ${i}`, filename: `video-${i}.mp4`, file: base, suffix: freeBox(i) }, { agent });
          if (upload.status !== 201) throw new Error(`upload ${i} answered ${upload.status}: ${upload.body}`);
          const { uuid } = JSON.parse(upload.body) as { uuid: string };
          videos[i] = { uuid, infoHash: await waitPublished(pod!, uuid, agent) };
          done++;
          if (checkpoints.has(done)) {
            const rss = statusBytes(pid, 'VmRSS');
            timeline.push({ videos: done, rss });
            console.log(`  ${String(done).padStart(5)} published, ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s, pod RSS ${(rss / MB).toFixed(0)} MB`);
          }
        }
      }),
    );
    const publishSeconds = (performance.now() - t0) / 1000;
    agent.destroy();

    const scraper = new Scraper(pod.baseUrl);
    const hashes = videos.map((video) => video.infoHash);
    let seeded = 0;
    let seededAtFirstScrape = -1;
    const seedDeadline = Date.now() + 120_000;
    for (;;) {
      const complete = await scraper.complete(hashes);
      seeded = hashes.filter((hash) => (complete.get(hash) ?? 0) >= 1).length;
      if (seededAtFirstScrape < 0) seededAtFirstScrape = seeded;
      if (seeded === VIDEOS || Date.now() > seedDeadline) break;
      await sleep(500);
    }
    const seededSeconds = (performance.now() - t0) / 1000;
    console.log(`  tracker lists the seeder for ${seeded} of ${VIDEOS} videos, ${seededSeconds.toFixed(1)} s after the first upload (${seededAtFirstScrape} when the last was published)`);

    const cpuBefore = cpuSeconds(pid);
    await sleep(SETTLE_SECONDS * 1000);
    const idleCpuShare = (cpuSeconds(pid) - cpuBefore) / SETTLE_SECONDS;
    const settledRss = statusBytes(pid, 'VmRSS');
    const peakRss = statusBytes(pid, 'VmHWM');
    const rssAnon = statusBytes(pid, 'RssAnon');
    const rssFile = statusBytes(pid, 'RssFile');
    const heapUsed = await metric(pod, 'swarmtube_nodejs_heap_size_used_bytes');
    const external = await metric(pod, 'swarmtube_nodejs_external_memory_bytes');
    const stillSeeded = [...(await scraper.complete(hashes)).values()].filter((complete) => complete >= 1).length;
    // The seeder logs its trackers' refusals and silences (pod output): the pod's own tracker rate-limits per address.
    const podLog = pod.output();
    const refusedAnnounces = podLog.match(/rate limited/g)?.length ?? 0;
    const unansweredAnnounces = podLog.match(/no answer within/g)?.length ?? 0;

    console.log('  -- the pod (whole process)');
    printFigure({ name: 'RSS started, no video', value: startedRss / MB, unit: 'MB' });
    printFigure({ name: '  of which anonymous', value: startedAnon / MB, unit: 'MB' });
    printFigure({ name: '  JS heap used (/metrics)', value: startedHeap / MB, unit: 'MB' });
    printFigure({ name: `peak RSS (VmHWM) over the run`, value: peakRss / MB, unit: 'MB' });
    printFigure({ name: `RSS ${SETTLE_SECONDS} s after the last video was seeded`, value: settledRss / MB, unit: 'MB' });
    printFigure({ name: '  of which anonymous (heap, buffers, SQLite cache...)', value: rssAnon / MB, unit: 'MB' });
    printFigure({ name: '  of which file-backed (code, mapped files)', value: rssFile / MB, unit: 'MB' });
    printFigure({ name: '  JS heap used (/metrics, no forced GC)', value: heapUsed / MB, unit: 'MB' });
    printFigure({ name: '  external + array buffers (/metrics)', value: external / MB, unit: 'MB' });
    printFigure({ name: 'settled RSS growth per video', value: (settledRss - startedRss) / VIDEOS / 1024, unit: 'KiB' });
    printFigure({ name: `seconds to publish ${VIDEOS} videos`, value: publishSeconds, unit: 's' });
    printFigure({ name: '  videos published per second', value: VIDEOS / publishSeconds, unit: 'videos/s' });
    printFigure({ name: 'seconds until the tracker listed the seeder for all', value: seededSeconds, unit: 's' });
    printFigure({ name: 'videos the tracker listed when the last was published', value: seededAtFirstScrape, unit: `of ${VIDEOS}` });
    printFigure({ name: 'videos the tracker lists the seeder for, at the end', value: stillSeeded, unit: `of ${VIDEOS}` });
    printFigure({ name: 'seeder warnings: announce refused, rate limited', value: refusedAnnounces, unit: 'log lines' });
    printFigure({ name: 'seeder warnings: no answer within the timeout', value: unansweredAnnounces, unit: 'log lines' });
    printFigure({ name: 'CPU while idle, settle period', value: idleCpuShare * 100, unit: '% of a core' });
    if (scraper.rateLimited > 0) console.log(`  (the tracker rate-limited ${scraper.rateLimited} of ${scraper.requests} scrapes)`);
    Object.assign(summary, {
      ours: {
        startedMB: round(startedRss / MB, 1),
        startedAnonMB: round(startedAnon / MB, 1),
        startedHeapUsedMB: round(startedHeap / MB, 1),
        peakMB: round(peakRss / MB, 1),
        settledMB: round(settledRss / MB, 1),
        anonMB: round(rssAnon / MB, 1),
        fileMB: round(rssFile / MB, 1),
        heapUsedMB: round(heapUsed / MB, 1),
        externalMB: round(external / MB, 1),
        publishSeconds: round(publishSeconds, 1),
        seededSeconds: round(seededSeconds, 1),
        seeded,
        seededAtLastPublish: seededAtFirstScrape,
        stillSeeded,
        refusedAnnounces,
        unansweredAnnounces,
        idleCpuPercent: round(idleCpuShare * 100, 1),
        timelineMB: timeline.map((point) => [point.videos, round(point.rss / MB, 0)]),
      },
    });

    await pod.stop(); // the files stay for the anchor
    if (ONLY !== 'ours') {
      const bare = await runAnchor(work, pod.dataDir, videos);
      console.log('  -- bare webtorrent client (anchor), same files and info-hashes');
      printFigure({ name: 'RSS started, nothing seeded (after GC)', value: bare.startedRss / MB, unit: 'MB' });
      printFigure({ name: 'peak RSS (VmHWM) over the run', value: bare.peakRss / MB, unit: 'MB' });
      printFigure({ name: `RSS ${SETTLE_SECONDS} s after the last torrent was ready`, value: bare.settledRss / MB, unit: 'MB' });
      printFigure({ name: '  the same after a forced GC', value: bare.settledRssAfterGc / MB, unit: 'MB' });
      printFigure({ name: `seconds to start ${bare.torrents} torrents`, value: bare.seedSeconds, unit: 's' });
      printFigure({ name: 'announces its tracker received', value: bare.announces, unit: 'announces' });
      printFigure({ name: 'CPU while idle, settle period', value: bare.idleCpuShare * 100, unit: '% of a core' });
      console.log('  -- the pod against the anchor');
      printFigure({ name: 'peak RSS, pod / bare client', value: peakRss / bare.peakRss, unit: 'x' });
      printFigure({ name: 'settled RSS, pod / bare client', value: settledRss / bare.settledRss, unit: 'x' });
      summary.bare = {
        startedMB: round(bare.startedRss / MB, 1),
        peakMB: round(bare.peakRss / MB, 1),
        settledMB: round(bare.settledRss / MB, 1),
        settledAfterGcMB: round(bare.settledRssAfterGc / MB, 1),
        seedSeconds: round(bare.seedSeconds, 2),
        announces: bare.announces,
        idleCpuPercent: round(bare.idleCpuShare * 100, 1),
      };
      summary.peakRatio = round(peakRss / bare.peakRss);
      summary.settledRatio = round(settledRss / bare.settledRss);
    }
    summary.met = printRatio(`${GOAL_MB} MB / the pod's peak RSS`, (GOAL_MB * MB) / peakRss, 1);
  } finally {
    await pod?.destroy();
    rmSync(work, { recursive: true, force: true });
  }
  printSummary(summary);
}

await main();

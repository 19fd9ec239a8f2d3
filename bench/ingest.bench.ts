import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPodProcess, type PodProcess } from '@swarmtube/testing';
import { median, printFigure, printSummary, round } from './lib/bench-report.js';
import { cpuSeconds, findPodPid, get, makeH264Mp4, makeH264Mp4OfSize, Scraper, sha1sum, sleep, streamUpload } from './lib/pod-upload.js';

/**
 * Ingest (issue: videos): from the end of an upload to a seedable video, for a 200 MB H.264
 * file, as a ratio to `sha1sum` of the same file in the same round. Goal: at most 1.0x.
 *
 * The file: an H.264 (Constrained Baseline) + AAC MP4 with its index first, made once per
 * run with ffmpeg (lavfi testsrc2 with temporal noise + sine, 1280x720 30 fps 40 s,
 * `-preset ultrafast`, ~40 Mbit/s: x264's default GOP of 250 frames) in os.tmpdir(),
 * removed at the end. The pod keeps such a file as it is (no
 * conversion): what is left after the upload is the end of the piece hashing, ffprobe,
 * the plan, the thumbnail, the .torrent, the signed VideoPublished event, and the seeder
 * (ffprobe and the thumbnail run while the upload streams in when they can: UploadReadAhead;
 * the upload's own duration is printed apart, outside the ratio).
 *
 * The pod runs in its own process (libs/testing createPodProcess, SQLite). Before the
 * rounds, one small video is ingested so that the seeder (started with the first video)
 * is running: its start is reported apart. Each round then:
 *   1. `sha1sum <file>` (the anchor; the file is in the page cache, as for the upload);
 *   2. the upload, multipart written by hand with http.request (Content-Length known, the
 *      file streamed in 256 KiB reads). t0 = the request's 'finish': its last byte handed
 *      to the kernel (loopback socket buffers hold at most a few MB the pod has not read
 *      yet). The pod answers 201 only after ffprobe: that moment is printed too (t201);
 *   3. polls GET /api/v1/videos/{uuid} every BENCH_POLL_MS until `published`, then the
 *      pod's HTTP tracker scrape until `complete` >= 1 (from 127.0.0.2+: the tracker's
 *      per-address rate limit is shared with the seeder's own announces from 127.0.0.1).
 *      t1 = the answer to the first scrape that shows the seeder. One request in flight at
 *      a time, so the polling costs the pod at most one small request per poll interval;
 *   4. DELETE the video (the next round starts from the same state; disk stays bounded).
 * Figures: medians over the rounds, and each round. The breakdown uses the job's own
 * timestamps (createdAt after ffprobe, the `hashing` step's updatedAt, the event's
 * publishedAt; the pod's clock is this machine's clock) and the pod's CPU-seconds,
 * its children (ffprobe, ffmpeg) apart, from /proc.
 *
 *   node dist/bench/ingest.bench.js
 *   env: BENCH_INGEST_MB=200 BENCH_ROUNDS=5 BENCH_POLL_MS=5
 *        BENCH_CPU_PROF=<dir>  (the pod runs with --cpu-prof; the profile is written when it stops)
 */

const MB = 1e6;
const TARGET_MB = Number(process.env.BENCH_INGEST_MB ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 5);
const CPU_PROF = process.env.BENCH_CPU_PROF;
const GOAL = 1.0;
const VIDEO = { seconds: 40, width: 1280, height: 720, fps: 30, noise: 12 };

interface Round {
  sha1sumSeconds: number;
  /** The upload itself, request start → last byte sent (t0): not in the ratio; the read ahead runs in it. */
  uploadMs: number;
  /** From the last byte sent (t0) to seedable (t1). */
  ingestSeconds: number;
  /** From the 201 to seedable. */
  after201Seconds: number;
  /** t0 → the 201 arrived. */
  to201: number;
  /** t0 → job createdAt (after the upload's end and ffprobe). */
  toJob: number;
  /** job created → `hashing` step recorded (plan, rename); NaN when no poll saw it. */
  toHashing: number;
  /** `hashing` → the event's publishedAt (torrent, thumbnail). */
  toPublishedAt: number;
  /** publishedAt → GET showed `published` (event append, job update, read model; + poll). */
  toPublishedSeen: number;
  /** published seen → scrape shows the seeder (+ poll). */
  toSeeded: number;
  podCpu: number;
  childCpu: number;
  polls: number;
}

/** /proc/<pid>/stat: the pod's own CPU-seconds, and its waited-for children's (ffprobe, ffmpeg). */
function cpuSplit(pid: number): { own: number; children: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { own: cpuSeconds(pid), children: (Number(fields[13]) + Number(fields[14])) / 100 };
}

const epochMs = (perfNow: number): number => performance.timeOrigin + perfNow;

interface VideoState {
  state: string;
  step?: string;
  createdAt?: string;
  updatedAt?: string;
  publishedAt?: string;
  infoHash?: string;
  error?: unknown;
}

async function ingestOnce(pod: PodProcess, token: string, scraper: Scraper, pid: number, path: string, name: string): Promise<Omit<Round, 'sha1sumSeconds'>> {
  let cpuBefore = cpuSplit(pid);
  const upload = await streamUpload(pod.baseUrl, token, { name, filename: 'upload.mp4', file: path }, { onBodySent: () => (cpuBefore = cpuSplit(pid)) });
  if (upload.status !== 201) throw new Error(`upload answered ${upload.status}: ${upload.body}`);
  const { uuid } = JSON.parse(upload.body) as { uuid: string };
  const t0 = epochMs(upload.bodySentAt);
  let hashingAt = Number.NaN;
  let createdAt = Number.NaN;
  let polls = 0;
  let video: VideoState;
  const deadline = Date.now() + 120_000;
  for (;;) {
    polls++;
    const response = await get(`${pod.baseUrl}/api/v1/videos/${uuid}`);
    video = JSON.parse(response.body.toString()) as VideoState;
    if (video.createdAt) createdAt = Date.parse(video.createdAt);
    if (video.step === 'hashing' && video.updatedAt) hashingAt = Date.parse(video.updatedAt);
    if (video.state === 'published') break;
    if (video.state !== 'processing') throw new Error(`video ${uuid} is ${video.state}: ${JSON.stringify(video.error)}`);
    if (Date.now() > deadline) throw new Error(`video ${uuid} not published after 120 s`);
    await sleep(POLL_MS);
  }
  const publishedSeen = Date.now();
  const infoHash = video.infoHash!;
  for (;;) {
    polls++;
    const complete = (await scraper.complete([infoHash])).get(infoHash) ?? 0;
    if (complete >= 1) break;
    if (Date.now() > deadline) throw new Error(`video ${uuid} not seeded after 120 s`);
    await sleep(POLL_MS);
  }
  const t1 = Date.now();
  const cpuAfter = cpuSplit(pid);
  const publishedAt = Date.parse(video.publishedAt!);
  const deleted = await get(`${pod.baseUrl}/api/v1/videos/${uuid}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
  if (deleted.status >= 300) throw new Error(`DELETE answered ${deleted.status}: ${deleted.body.toString()}`);
  return {
    uploadMs: upload.bodySentAt - upload.startedAt,
    ingestSeconds: (t1 - t0) / 1000,
    after201Seconds: (t1 - epochMs(upload.answeredAt)) / 1000,
    to201: upload.answeredAt - upload.bodySentAt,
    toJob: createdAt - t0,
    toHashing: hashingAt - createdAt,
    toPublishedAt: publishedAt - (Number.isNaN(hashingAt) ? createdAt : hashingAt),
    toPublishedSeen: publishedSeen - publishedAt,
    toSeeded: t1 - publishedSeen,
    podCpu: cpuAfter.own - cpuBefore.own,
    childCpu: cpuAfter.children - cpuBefore.children,
    polls,
  };
}

function printGoal(name: string, ratio: number): boolean {
  const met = ratio <= GOAL;
  console.log(`  ${name.padEnd(58)} ${ratio.toFixed(2).padStart(10)} x   (goal <= ${GOAL}x: ${met ? 'met' : 'NOT met'})`);
  return met;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'swarmtube-ingest-bench-'));
  let pod: PodProcess | undefined;
  try {
    const file = join(work, 'source.mp4');
    const small = join(work, 'small.mp4');
    const started = Date.now();
    const size = await makeH264Mp4OfSize(file, TARGET_MB * MB, VIDEO);
    await makeH264Mp4(small, { seconds: 2, width: 320, height: 240, fps: 25, videoBitrate: '300k' });
    console.log(`Ingest: ${(size / MB).toFixed(1)} MB H.264/AAC faststart MP4 (${VIDEO.width}x${VIDEO.height}, ${VIDEO.seconds} s; made in ${((Date.now() - started) / 1000).toFixed(1)} s), ${ROUNDS} rounds, polls every ${POLL_MS} ms`);

    pod = await createPodProcess({ name: 'ingest-bench', execArgv: CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : [] });
    await pod.start();
    const pid = findPodPid(pod.dataDir);
    const token = await pod.adminToken();
    const scraper = new Scraper(pod.baseUrl);

    const warm = await ingestOnce(pod, token, scraper, pid, small, 'warm-up');
    printFigure({ name: 'warm-up: small video, seeder starting (end of upload → seedable)', value: warm.ingestSeconds * 1000, unit: 'ms' });

    const rounds: Round[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const sha1sumSeconds = await sha1sum(file);
      const round = { sha1sumSeconds, ...(await ingestOnce(pod, token, scraper, pid, file, `round ${r + 1}`)) };
      rounds.push(round);
      console.log(
        `  round ${r + 1}: ours ${(round.ingestSeconds * 1000).toFixed(0)} ms, sha1sum ${(sha1sumSeconds * 1000).toFixed(0)} ms, ratio ${(round.ingestSeconds / sha1sumSeconds).toFixed(2)}x` +
          ` | upload ${round.uploadMs.toFixed(0)} ms` +
          ` | body→201 ${round.to201.toFixed(0)}, body→job ${round.toJob.toFixed(0)}, job→hashing ${round.toHashing.toFixed(0)}, →publishedAt ${round.toPublishedAt.toFixed(0)},` +
          ` →published seen ${round.toPublishedSeen.toFixed(0)}, →seeded ${round.toSeeded.toFixed(0)} ms; pod CPU ${(round.podCpu * 1000).toFixed(0)} ms, children ${(round.childCpu * 1000).toFixed(0)} ms`,
      );
    }
    const m = <K extends keyof Round>(key: K): number => median(rounds.map((r) => r[key]).filter((v) => !Number.isNaN(v)));
    const ratios = rounds.map((r) => r.ingestSeconds / r.sha1sumSeconds);
    console.log('  -- medians');
    printFigure({ name: 'sha1sum of the file (anchor)', value: m('sha1sumSeconds') * 1000, unit: 'ms' });
    printFigure({ name: 'ours: last byte sent (t0) → seedable (t1)', value: m('ingestSeconds') * 1000, unit: 'ms' });
    printFigure({ name: 'ours: 201 received → seedable', value: m('after201Seconds') * 1000, unit: 'ms' });
    printFigure({ name: 'the upload itself (request start → t0; not in the ratio)', value: m('uploadMs'), unit: 'ms' });
    console.log('  -- where it goes (median of each step; the job\'s own timestamps, 1 ms resolution)');
    printFigure({ name: 't0 → 201 received (upload tail, ffprobe, job row)', value: m('to201'), unit: 'ms' });
    printFigure({ name: 't0 → job created (upload tail, ffprobe)', value: m('toJob'), unit: 'ms' });
    printFigure({ name: 'job created → step hashing (plan, rename, stat)', value: m('toHashing'), unit: 'ms' });
    printFigure({ name: 'hashing → publishedAt (torrent, thumbnail)', value: m('toPublishedAt'), unit: 'ms' });
    printFigure({ name: 'publishedAt → published seen (event, job, read model)', value: m('toPublishedSeen'), unit: 'ms' });
    printFigure({ name: 'published seen → tracker lists the seeder', value: m('toSeeded'), unit: 'ms' });
    printFigure({ name: 'pod process CPU, t0 → t1', value: m('podCpu') * 1000, unit: 'ms' });
    printFigure({ name: 'its children\'s CPU, t0 → t1 (ffprobe, ffmpeg)', value: m('childCpu') * 1000, unit: 'ms' });
    console.log('  -- ratio (ours / sha1sum: below 1 means ours is faster)');
    const ratio = m('ingestSeconds') / m('sha1sumSeconds');
    const met = printGoal('ours (t0 → t1) / sha1sum, medians', ratio);
    printFigure({ name: 'per-round ratios, min .. max', value: Math.min(...ratios), unit: `.. ${Math.max(...ratios).toFixed(2)} x` });
    printFigure({ name: 'ours from the 201 / sha1sum, medians', value: m('after201Seconds') / m('sha1sumSeconds'), unit: 'x' });
    if (scraper.rateLimited > 0) console.log(`  (the tracker rate-limited ${scraper.rateLimited} of ${scraper.requests} scrapes)`);
    printSummary({
      bench: 'ingest',
      megabytes: round(size / MB, 1),
      rounds: ROUNDS,
      pollMs: POLL_MS,
      warmUpMs: round(warm.ingestSeconds * 1000, 0),
      ms: {
        sha1sum: round(m('sha1sumSeconds') * 1000, 0),
        upload: round(m('uploadMs'), 0),
        ingest: round(m('ingestSeconds') * 1000, 0),
        after201: round(m('after201Seconds') * 1000, 0),
        to201: round(m('to201'), 0),
        toJob: round(m('toJob'), 0),
        toHashing: round(m('toHashing'), 0),
        toPublishedAt: round(m('toPublishedAt'), 0),
        toPublishedSeen: round(m('toPublishedSeen'), 0),
        toSeeded: round(m('toSeeded'), 0),
        podCpu: round(m('podCpu') * 1000, 0),
        childCpu: round(m('childCpu') * 1000, 0),
      },
      ratio: round(ratio),
      ratios: ratios.map((r) => round(r)),
      met,
    });
  } finally {
    if (pod) {
      // SIGTERM: the pod exits by itself (and writes its CPU profile when asked to).
      await pod.stop();
      if (CPU_PROF) console.log(`  CPU profile(s) in ${CPU_PROF}: ${readdirSync(CPU_PROF).join(', ')}`);
      await pod.destroy();
    }
    rmSync(work, { recursive: true, force: true });
  }
}

await main();

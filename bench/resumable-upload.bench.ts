import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { nextChunkBytes, RESUMABLE_FIRST_CHUNK_BYTES } from '@swarmtube/contracts';
import { createPodProcess, type PodProcess } from '@swarmtube/testing';
import { median, printFigure, printRatio, printSummary, round } from './lib/bench-report.js';
import { get, makeH264Mp4OfSize, sleep, streamUpload } from './lib/pod-upload.js';

/**
 * Resumable upload (issue 12, item 9): PeerTube's protocol against the one-request multipart
 * upload, same 200 MB file, same pod, same run. Goal: the resumable upload's throughput at
 * least 0.9x the multipart's (judged on the site's chunks; fixed 8 MiB chunks are printed too).
 *
 * The file: an H.264 + AAC faststart MP4 (as bench/ingest.bench.ts makes it), which the pod
 * keeps as it is. Each round uploads it three ways, the order rotating between rounds:
 *   - multipart: POST /api/v1/videos/upload, written by hand (bench/lib/pod-upload.ts
 *     streamUpload: 256 KiB reads, Content-Length known), until the 201;
 *   - resumable: POST /api/v1/videos/upload-resumable, then PUTs on one keep-alive connection,
 *     each chunk streamed from the file, until the 200 of the last chunk; twice: chunks of
 *     BENCH_CHUNK_MIB (8 MiB), and chunks sized as the site sizes them (libs/contracts
 *     nextChunkBytes: 8 MiB first, then about 3 s of the last chunk's speed, at most twice the
 *     last, at most 128 MiB).
 * Both answers come once the pod has the whole file, its pieces hashed as it arrived, and
 * ffprobe's verdict (read while the upload streamed in when it could): the throughput is
 * bytes / (request start → that answer). Then each video is awaited `published` (so the next
 * upload does not share the machine with its processing) and deleted.
 *
 * The ratio is the median of the rounds' ratios: the two uploads of a round run back to back,
 * so they share the machine's load of the moment (a shared machine's load moves the
 * throughput of either by 2x within a minute); the medians of each way are printed too.
 *
 *   node dist/bench/resumable-upload.bench.js
 *   env: BENCH_UPLOAD_MB=200 BENCH_ROUNDS=5 BENCH_CHUNK_MIB=8 BENCH_VERBOSE=1 (each chunk's time)
 *        BENCH_CPU_PROF=<dir>  (the pod runs with --cpu-prof; the profile is written when it stops)
 */

const MB = 1e6;
const TARGET_MB = Number(process.env.BENCH_UPLOAD_MB ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CHUNK = Number(process.env.BENCH_CHUNK_MIB ?? 8) * 1024 * 1024;
const GOAL = 0.9;
const VIDEO = { seconds: 40, width: 1280, height: 720, fps: 30, noise: 12 };

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(url: URL, options: http.RequestOptions, body?: string | Readable): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, options, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.once('error', reject);
    });
    req.once('error', reject);
    if (body instanceof Readable) body.pipe(req);
    else req.end(body);
  });
}

/**
 * The whole resumable exchange: seconds from the POST to the last chunk's 200, the video's uuid
 * and the chunks sent. Each chunk streams from the file (read as it goes out, as a browser
 * reads a File.slice); `adaptive`: sized as the site sizes them (nextChunkBytes), else CHUNK.
 */
async function resumableUpload(baseUrl: string, token: string, path: string, name: string, adaptive: boolean): Promise<{ seconds: number; uuid: string; chunks: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const size = statSync(path).size;
  try {
    const started = performance.now();
    const init = await request(
      new URL('/api/v1/videos/upload-resumable', baseUrl),
      { method: 'POST', agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-upload-content-length': String(size), 'x-upload-content-type': 'video/mp4' } },
      JSON.stringify({ name, filename: 'upload.mp4' }),
    );
    if (init.status !== 201) throw new Error(`init answered ${init.status}: ${init.body}`);
    const location = new URL(init.headers.location!);
    let chunks = 0;
    let chunk = adaptive ? RESUMABLE_FIRST_CHUNK_BYTES : CHUNK;
    for (let offset = 0; offset < size; ) {
      const length = Math.min(chunk, size - offset);
      const sentAt = performance.now();
      const answer = await request(
        location,
        {
          method: 'PUT',
          agent,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'content-range': `bytes ${offset}-${offset + length - 1}/${size}`, 'content-length': String(length) },
        },
        createReadStream(path, { start: offset, end: offset + length - 1, highWaterMark: 256 * 1024 }),
      );
      chunks++;
      offset += length;
      if (adaptive) chunk = nextChunkBytes(length, performance.now() - sentAt);
      if (process.env.BENCH_VERBOSE) console.log(`    chunk ${chunks} (${(length / 1024 / 1024).toFixed(1)} MiB): ${answer.status} at ${(performance.now() - started).toFixed(0)} ms`);
      if (offset < size && answer.status !== 308) throw new Error(`chunk at ${offset - length} answered ${answer.status}: ${answer.body}`);
      if (offset === size) {
        if (answer.status !== 200) throw new Error(`last chunk answered ${answer.status}: ${answer.body}`);
        return { seconds: (performance.now() - started) / 1000, uuid: (JSON.parse(answer.body) as { uuid: string }).uuid, chunks };
      }
    }
    throw new Error('unreachable');
  } finally {
    agent.destroy();
  }
}

async function multipartUpload(baseUrl: string, token: string, path: string, name: string): Promise<{ seconds: number; uuid: string }> {
  const upload = await streamUpload(baseUrl, token, { name, filename: 'upload.mp4', file: path });
  if (upload.status !== 201) throw new Error(`multipart upload answered ${upload.status}: ${upload.body}`);
  return { seconds: (upload.answeredAt - upload.startedAt) / 1000, uuid: (JSON.parse(upload.body) as { uuid: string }).uuid };
}

/** Waits for `published` (the next upload does not share the machine with this one's processing), then deletes it. */
async function settle(pod: PodProcess, token: string, uuid: string): Promise<string> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const video = JSON.parse((await get(`${pod.baseUrl}/api/v1/videos/${uuid}`)).body.toString()) as { state: string; infoHash?: string; error?: unknown };
    if (video.state === 'published') {
      const deleted = await get(`${pod.baseUrl}/api/v1/videos/${uuid}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
      if (deleted.status >= 300) throw new Error(`DELETE answered ${deleted.status}`);
      return video.infoHash!;
    }
    if (video.state !== 'processing') throw new Error(`video ${uuid} is ${video.state}: ${JSON.stringify(video.error)}`);
    if (Date.now() > deadline) throw new Error(`video ${uuid} not published after 180 s`);
    await sleep(20);
  }
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'swarmtube-resumable-bench-'));
  let pod: PodProcess | undefined;
  try {
    const file = join(work, 'source.mp4');
    const started = Date.now();
    const size = await makeH264Mp4OfSize(file, TARGET_MB * MB, VIDEO);
    console.log(`Resumable upload: ${(size / MB).toFixed(1)} MB H.264/AAC faststart MP4 (made in ${((Date.now() - started) / 1000).toFixed(1)} s), ${ROUNDS} rounds, chunks of ${CHUNK / 1024 / 1024} MiB`);
    const profile = process.env.BENCH_CPU_PROF;
    pod = await createPodProcess({ name: 'resumable-bench', execArgv: profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [] });
    await pod.start();
    const token = await pod.adminToken();

    const ways = ['multipart', 'fixed', 'adaptive'] as const;
    type Way = (typeof ways)[number];
    const speeds: Record<Way, number[]> = { multipart: [], fixed: [], adaptive: [] };
    for (let r = 0; r < ROUNDS; r++) {
      // The order rotates: each way goes first, second and third in turn.
      const order = ways.map((_, i) => ways[(i + r) % ways.length]);
      const line: string[] = [];
      for (const way of order) {
        const done = way === 'multipart' ? { ...(await multipartUpload(pod.baseUrl, token, file, `${way} ${r + 1}`)), chunks: 1 } : await resumableUpload(pod.baseUrl, token, file, `${way} ${r + 1}`, way === 'adaptive');
        speeds[way].push(size / MB / done.seconds);
        await settle(pod, token, done.uuid);
        line.push(`${way} ${(done.seconds * 1000).toFixed(0)} ms${way === 'multipart' ? '' : ` in ${done.chunks} chunks`} (${(size / MB / done.seconds).toFixed(0)} MB/s)`);
      }
      console.log(`  round ${r + 1}: ${line.join(', ')}; ratios ${(speeds.fixed[r] / speeds.multipart[r]).toFixed(2)}x, ${(speeds.adaptive[r] / speeds.multipart[r]).toFixed(2)}x`);
    }
    const ratios = (way: Way) => speeds[way].map((value, i) => value / speeds.multipart[i]);
    console.log('  -- medians');
    printFigure({ name: 'multipart upload (anchor), start → 201', value: median(speeds.multipart), unit: 'MB/s' });
    printFigure({ name: `resumable, ${CHUNK / 1024 / 1024} MiB chunks, start → last 200`, value: median(speeds.fixed), unit: 'MB/s' });
    printFigure({ name: 'resumable, the site\'s chunks (8 MiB, growing to 128 MiB)', value: median(speeds.adaptive), unit: 'MB/s' });
    console.log('  -- ratios to multipart (median of the rounds\' ratios)');
    const fixed = median(ratios('fixed'));
    const adaptive = median(ratios('adaptive'));
    printRatio(`resumable, ${CHUNK / 1024 / 1024} MiB chunks / multipart`, fixed, GOAL);
    printFigure({ name: '  per-round, min .. max', value: Math.min(...ratios('fixed')), unit: `.. ${Math.max(...ratios('fixed')).toFixed(2)} x` });
    const met = printRatio("resumable, the site's chunks / multipart", adaptive, GOAL);
    printFigure({ name: '  per-round, min .. max', value: Math.min(...ratios('adaptive')), unit: `.. ${Math.max(...ratios('adaptive')).toFixed(2)} x` });
    printSummary({
      bench: 'resumable-upload',
      megabytes: round(size / MB, 1),
      rounds: ROUNDS,
      chunkMiB: CHUNK / 1024 / 1024,
      mbPerSecond: { multipart: round(median(speeds.multipart), 1), fixed: round(median(speeds.fixed), 1), adaptive: round(median(speeds.adaptive), 1) },
      ratio: { fixed: round(fixed), adaptive: round(adaptive) },
      ratios: { fixed: ratios('fixed').map((v) => round(v)), adaptive: ratios('adaptive').map((v) => round(v)) },
      met,
    });
  } finally {
    if (pod) {
      await pod.stop();
      await pod.destroy();
    }
    rmSync(work, { recursive: true, force: true });
  }
}

await main();

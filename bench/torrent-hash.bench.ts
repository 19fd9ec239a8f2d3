import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { buildTorrent, choosePieceLength, hashFile, hashingTap, magnetUri, PieceHasher, readTorrent } from '@swarmtube/torrent';
import { webtorrentCreate } from '@swarmtube/torrent';
import { median, printFigure, printRatio, printSummary, round } from './lib/bench-report.js';

/**
 * Torrent hashing (libs/torrent) against `sha1sum` of the same file, run beside it.
 *
 * The goal: from the end of an upload to a seedable torrent in at most 1.0x the time
 * `sha1sum` takes on the file. Pieces are hashed while the upload streams to disk, so
 * what is left at the end is closing the last piece and writing the .torrent; that tail
 * is measured on a simulated upload (the file copied in 64 KiB chunks, as a socket
 * delivers them, through `hashingTap` into a new file). The figures a re-read would cost
 * are printed too: the same file streamed through PieceHasher, `hashFile`, and WebTorrent's
 * create-torrent. Warm page cache for all (the file was just written, as an upload is).
 * Rounds alternate the contenders; each figure is the median.
 *
 *   node dist/bench/torrent-hash.bench.js
 *   env: BENCH_TORRENT_MB=200 BENCH_ROUNDS=3
 */

const MB = 1_000_000;
const SIZE = Number(process.env.BENCH_TORRENT_MB ?? 200) * MB;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const UPLOAD_CHUNK = 64 * 1024;
const GOAL = 1.0;

function seconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function writeRandomFile(path: string, size: number): Promise<void> {
  const handle = await open(path, 'w');
  try {
    for (let written = 0; written < size; ) {
      const chunk = randomBytes(Math.min(8 * 1024 * 1024, size - written));
      await handle.write(chunk);
      written += chunk.length;
    }
  } finally {
    await handle.close();
  }
}

function sha1sum(path: string): Promise<{ seconds: number; hex: string }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('sha1sum', [path], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`sha1sum exited ${code}`));
      else resolve({ seconds: seconds(started), hex: out.slice(0, 40) });
    });
  });
}

async function streamThroughHasher(path: string, pieceLength: number): Promise<number> {
  const started = process.hrtime.bigint();
  const hasher = new PieceHasher(pieceLength);
  for await (const chunk of createReadStream(path, { highWaterMark: UPLOAD_CHUNK })) hasher.update(chunk as Buffer);
  hasher.finish();
  return seconds(started);
}

async function timeHashFile(path: string, pieceLength: number): Promise<number> {
  const started = process.hrtime.bigint();
  await hashFile(path, pieceLength);
  return seconds(started);
}

async function timeCreateTorrent(path: string, pieceLength: number): Promise<{ seconds: number; infoHash: string }> {
  const started = process.hrtime.bigint();
  const torrent = await webtorrentCreate(path, { pieceLength, announce: [] });
  const elapsed = seconds(started);
  const read = readTorrent(torrent);
  if (!read.ok) throw new Error(`create-torrent's torrent did not read: ${read.reason}`);
  return { seconds: elapsed, infoHash: read.torrent.infoHash };
}

interface Upload {
  /** The whole simulated upload, copy and hashing. */
  seconds: number;
  /** From the last byte on disk to a .torrent and a magnet URI. */
  tailSeconds: number;
  infoHash: string;
}

async function upload(source: string, target: string, pieceLength: number, hash: boolean): Promise<Upload> {
  const started = process.hrtime.bigint();
  const hasher = new PieceHasher(pieceLength);
  const input = createReadStream(source, { highWaterMark: UPLOAD_CHUNK });
  if (hash) await pipeline(input, hashingTap(hasher), createWriteStream(target));
  else await pipeline(input, createWriteStream(target));
  const ended = process.hrtime.bigint();
  if (!hash) return { seconds: seconds(started), tailSeconds: 0, infoHash: '' };
  const built = buildTorrent({ name: 'upload.mp4', ...hasher.finish(), pieceLength, announce: ['wss://pod.example/tracker/socket'], urlList: ['https://pod.example/w/upload.mp4'] });
  magnetUri({ infoHash: built.infoHash, name: 'upload.mp4', announce: ['wss://pod.example/tracker/socket'], webSeeds: ['https://pod.example/w/upload.mp4'] });
  return { seconds: seconds(started), tailSeconds: seconds(ended), infoHash: built.infoHash };
}

/** Reads the file once so every contender starts from a warm page cache. */
async function warm(path: string): Promise<void> {
  await pipeline(createReadStream(path, { highWaterMark: 1024 * 1024 }), new Writable({ write: (_c, _e, cb) => cb() }));
}

const dir = await mkdtemp(join(tmpdir(), 'swarmtube-torrent-bench-'));
try {
  const file = join(dir, 'video.bin');
  const copy = join(dir, 'upload.bin');
  await writeRandomFile(file, SIZE);
  await warm(file);
  const pieceLength = choosePieceLength(SIZE);
  console.log(`  ${SIZE / MB} MB of random bytes in ${dir}, ${pieceLength / 1024} KiB pieces (${Math.ceil(SIZE / pieceLength)}), ${ROUNDS} rounds`);

  const runs = { sha1sum: [] as number[], stream: [] as number[], hashFile: [] as number[], createTorrent: [] as number[], copy: [] as number[], copyHashed: [] as number[], tail: [] as number[] };
  let expectedInfoHash = '';
  for (let r = 0; r < ROUNDS; r++) {
    runs.sha1sum.push((await sha1sum(file)).seconds);
    runs.stream.push(await streamThroughHasher(file, pieceLength));
    runs.hashFile.push(await timeHashFile(file, pieceLength));
    const created = await timeCreateTorrent(file, pieceLength);
    runs.createTorrent.push(created.seconds);
    runs.copy.push((await upload(file, copy, pieceLength, false)).seconds);
    const hashed = await upload(file, copy, pieceLength, true);
    runs.copyHashed.push(hashed.seconds);
    runs.tail.push(hashed.tailSeconds);
    // Same info dictionary (name aside) or the comparison is meaningless: check via a torrent of the copy.
    expectedInfoHash = created.infoHash;
    const ours = readTorrent(buildTorrent({ name: 'video.bin', ...(await hashFile(copy, pieceLength)), pieceLength, announce: [], urlList: [] }).torrent);
    if (!ours.ok || ours.torrent.infoHash !== expectedInfoHash) throw new Error('our info-hash differs from create-torrent’s');
  }

  const m = Object.fromEntries(Object.entries(runs).map(([key, values]) => [key, median(values)])) as Record<keyof typeof runs, number>;
  const rate = (s: number): number => SIZE / MB / s;
  printFigure({ name: 'sha1sum (coreutils), whole file', value: m.sha1sum * 1000, unit: 'ms' });
  printFigure({ name: '  its rate', value: rate(m.sha1sum), unit: 'MB/s' });
  printFigure({ name: 'PieceHasher, file streamed in 64 KiB chunks', value: m.stream * 1000, unit: 'ms' });
  printFigure({ name: 'hashFile (1 MiB reads, read and hash overlapped)', value: m.hashFile * 1000, unit: 'ms' });
  printFigure({ name: 'create-torrent 6.1.3, same file and piece length', value: m.createTorrent * 1000, unit: 'ms' });
  printFigure({ name: 'upload simulation: copy in 64 KiB chunks, no hashing', value: m.copy * 1000, unit: 'ms' });
  printFigure({ name: 'upload simulation: copy through hashingTap', value: m.copyHashed * 1000, unit: 'ms' });
  printFigure({ name: 'end of upload to .torrent + magnet (finish, build)', value: m.tail * 1000, unit: 'ms' });
  console.log('  -- ratios (time of the anchor / time of ours: above 1 means ours is faster)');
  const met = printRatio('sha1sum / end of upload to seedable', m.sha1sum / m.tail, GOAL);
  // A file made after the upload (a transcode) is hashed whole: the goal holds there too.
  const metAfterwards = printRatio('sha1sum / hashFile (a file hashed after it is written)', m.sha1sum / m.hashFile, GOAL);
  printFigure({ name: 'sha1sum / PieceHasher streaming the whole file', value: m.sha1sum / m.stream, unit: 'x' });
  printFigure({ name: 'create-torrent / hashFile', value: m.createTorrent / m.hashFile, unit: 'x' });
  printFigure({ name: 'hashing cost added to an upload (hashed / plain copy)', value: m.copyHashed / m.copy, unit: 'x' });

  printSummary({
    bench: 'torrent-hash',
    megabytes: SIZE / MB,
    pieceLength,
    ms: Object.fromEntries(Object.entries(m).map(([key, value]) => [key, round(value * 1000, 2)])),
    ratios: {
      sha1sumOverTail: round(m.sha1sum / m.tail, 0),
      sha1sumOverStream: round(m.sha1sum / m.stream),
      sha1sumOverHashFile: round(m.sha1sum / m.hashFile),
      createTorrentOverHashFile: round(m.createTorrent / m.hashFile),
      uploadCostHashedOverPlain: round(m.copyHashed / m.copy),
    },
    met,
    metAfterwards,
  });
} finally {
  await rm(dir, { recursive: true, force: true });
}

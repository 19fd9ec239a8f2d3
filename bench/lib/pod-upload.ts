import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import { bdecode, type Decoded } from '@swarmtube/torrent';

/**
 * What the pod benchmarks (ingest, pod-rss) share: test videos made with ffmpeg, an upload
 * streamed by hand (so the moment the last byte left is known), the pod's tracker scraped
 * from an address of its own, and a pod process's memory read from /proc.
 */

// ---- videos ------------------------------------------------------------------------

export interface TestVideoSpec {
  seconds: number;
  width: number;
  height: number;
  fps: number;
  /** H.264 bitrate, e.g. '40M'; the file's size follows from it and the duration. */
  videoBitrate: string;
  /** Temporal noise on the picture (ffmpeg `noise` alls): without it x264 cannot spend a high bitrate on testsrc2. */
  noise?: number;
}

/**
 * An H.264 (Constrained Baseline, yuv420p) + AAC MP4 with its index first (faststart): the
 * kind of file the pod publishes as it is. lavfi testsrc2 + a sine, `-preset ultrafast`
 * (x264's default GOP: a keyframe every 250 frames).
 */
export async function makeH264Mp4(path: string, spec: TestVideoSpec): Promise<void> {
  const size = `${spec.width}x${spec.height}`;
  const args = [
    '-hide_banner', '-nostdin', '-v', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${spec.fps}:duration=${spec.seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${spec.seconds}`,
    ...(spec.noise ? ['-vf', `noise=alls=${spec.noise}:allf=t`] : []),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
    '-b:v', spec.videoBitrate, '-minrate', spec.videoBitrate, '-maxrate', spec.videoBitrate, '-bufsize', spec.videoBitrate,
    '-c:a', 'aac', '-b:a', '128k',
    '-movflags', '+faststart',
    path,
  ];
  await run('ffmpeg', args);
}

/**
 * An H.264/AAC MP4 of about `targetBytes` (within 3 %): a bitrate for the wanted size, then
 * corrected from the size each try gave, at most three tries. Returns the file's size.
 */
export async function makeH264Mp4OfSize(path: string, targetBytes: number, spec: Omit<TestVideoSpec, 'videoBitrate'>): Promise<number> {
  const audioBits = 128_000 * spec.seconds;
  let videoBitrate = Math.round((targetBytes * 8 - audioBits) / spec.seconds);
  for (let attempt = 0; attempt < 3; attempt++) {
    await makeH264Mp4(path, { ...spec, videoBitrate: String(videoBitrate) });
    const size = statSync(path).size;
    if (Math.abs(size - targetBytes) / targetBytes < 0.03) return size;
    videoBitrate = Math.round(videoBitrate * (targetBytes / size));
  }
  return statSync(path).size;
}

/** A top-level MP4 `free` box of 16 bytes carrying `n`: appended to a file, it makes it distinct and still valid. */
export function freeBox(n: number): Buffer {
  const box = Buffer.alloc(16);
  box.writeUInt32BE(16, 0);
  box.write('free', 4, 'latin1');
  box.writeBigUInt64BE(BigInt(n), 8);
  return box;
}

export function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}: ${stderr.slice(-2000)}`))));
  });
}

/** `sha1sum <path>` as a child process: wall seconds. */
export function sha1sum(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('sha1sum', [path], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - started) / 1e9) : reject(new Error(`sha1sum exited ${code}`))));
  });
}

// ---- upload ------------------------------------------------------------------------

export interface UploadTimes {
  status: number;
  body: string;
  /** performance.now() when the request was started (its first byte follows at once). */
  startedAt: number;
  /** performance.now() when the request's body had been handed to the kernel ('finish'). */
  bodySentAt: number;
  /** performance.now() when the response's headers arrived. */
  answeredAt: number;
}

/**
 * POST /api/v1/videos/upload, multipart written by hand: the text fields, then `videofile`
 * streamed from `file` (a path) or sent from memory, with a Content-Length (the pod hashes
 * pieces as the bytes arrive only when it knows the size).
 */
export function streamUpload(
  baseUrl: string,
  token: string,
  video: { name: string; filename: string; file: string | Buffer; suffix?: Buffer },
  options: { agent?: http.Agent; onBodySent?: () => void } = {},
): Promise<UploadTimes> {
  const boundary = `----swarmtube-bench-${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\n${video.name}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="videofile"; filename="${video.filename}"\r\nContent-Type: video/mp4\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const suffix = video.suffix ?? Buffer.alloc(0);
  const fileBytes = typeof video.file === 'string' ? statSync(video.file).size : video.file.length;
  const length = head.length + fileBytes + suffix.length + tail.length;
  const url = new URL('/api/v1/videos/upload', baseUrl);
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    let bodySentAt = 0;
    const req = http.request(
      url,
      {
        method: 'POST',
        agent: options.agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(length) },
      },
      (res) => {
        const answeredAt = performance.now();
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.once('end', () => resolve({ status: res.statusCode ?? 0, body, startedAt, bodySentAt: bodySentAt || answeredAt, answeredAt }));
        res.once('error', reject);
      },
    );
    req.once('error', reject);
    req.once('finish', () => {
      bodySentAt = performance.now();
      options.onBodySent?.();
    });
    req.write(head);
    if (typeof video.file !== 'string') {
      req.write(video.file);
      req.end(Buffer.concat([suffix, tail]));
      return;
    }
    const input = createReadStream(video.file, { highWaterMark: 256 * 1024 });
    input.on('data', (chunk) => {
      if (!req.write(chunk)) {
        input.pause();
        req.once('drain', () => input.resume());
      }
    });
    input.once('error', (error) => req.destroy(error));
    input.once('end', () => req.end(Buffer.concat([suffix, tail])));
  });
}

// ---- plain requests ----------------------------------------------------------------

export interface SmallResponse {
  status: number;
  body: Buffer;
}

/** A GET with no agent pooling surprises: optional source address (loopback has all of 127/8). */
export function get(url: string, options: { agent?: http.Agent; localAddress?: string; headers?: Record<string, string>; method?: string } = {}): Promise<SmallResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', agent: options.agent, localAddress: options.localAddress, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end();
  });
}

function percentBytes(bytes: Buffer): string {
  let out = '';
  for (const byte of bytes) out += `%${byte.toString(16).padStart(2, '0')}`;
  return out;
}

/**
 * Scrapes the pod's HTTP tracker (at most 100 info-hashes a request, the tracker's limit).
 * Every request comes from the next of `sourceAddresses` (127.0.0.x): the tracker's
 * per-address rate limit (20/s, burst 100) is shared with the pod's own seeder, which
 * announces from 127.0.0.1; polling from there would starve its announces.
 * Returns `complete` (seeders) per hex info-hash; absent when the tracker does not know it.
 */
export class Scraper {
  private next = 0;
  rateLimited = 0;
  requests = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly sourceAddresses: string[] = Array.from({ length: 32 }, (_, i) => `127.0.0.${i + 2}`),
  ) {}

  async complete(infoHashes: string[]): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    for (let i = 0; i < infoHashes.length; i += 100) {
      const batch = infoHashes.slice(i, i + 100);
      const query = batch.map((hex) => `info_hash=${percentBytes(Buffer.from(hex, 'hex'))}`).join('&');
      const localAddress = this.sourceAddresses[this.next++ % this.sourceAddresses.length];
      this.requests++;
      const response = await get(`${this.baseUrl}/tracker/scrape?${query}`, { localAddress });
      const decoded = bdecode(response.body);
      if (!decoded.ok || !(decoded.value instanceof Map)) throw new Error(`scrape: not bencoded: ${response.body.toString('latin1').slice(0, 200)}`);
      const failure = decoded.value.get('failure reason');
      if (failure instanceof Buffer) {
        if (/rate limited/.test(failure.toString())) this.rateLimited++;
        continue; // unknown torrent(s): nothing yet
      }
      const files = decoded.value.get('files');
      if (!(files instanceof Map)) continue;
      for (const [key, figures] of files as Map<string, Decoded>) {
        // bdecode keys are latin1 strings of the raw 20 bytes.
        const hex = Buffer.from(key, 'latin1').toString('hex');
        const complete = figures instanceof Map ? figures.get('complete') : undefined;
        result.set(hex, typeof complete === 'bigint' ? Number(complete) : 0);
      }
    }
    return result;
  }
}

// ---- the pod process ---------------------------------------------------------------

/**
 * The pid of the pod process started by createPodProcess (libs/testing does not expose it):
 * a child of this process whose environment names the pod's data dir.
 */
export function findPodPid(dataDir: string): number {
  const needle = `SWARMTUBE_DATA_DIR=${dataDir}\0`;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      if (readFileSync(`/proc/${name}/environ`, 'latin1').includes(needle)) return Number(name);
    } catch {
      // gone meanwhile, or not ours
    }
  }
  throw new Error(`no child process with ${needle.slice(0, -1)}`);
}

/** A field of /proc/<pid>/status in bytes (VmRSS, VmHWM, RssAnon, RssFile...). */
export function statusBytes(pid: number | 'self', field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

const TICKS = 100;
/** CPU-seconds (user + system, every thread) of a process so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

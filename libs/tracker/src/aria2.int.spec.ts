import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bencode } from './bencode.js';
import { pollUntil, startHttpTracker, type HttpTracker } from './test-support.js';

/**
 * Real BitTorrent clients through our tracker: one aria2c seeds a file, a second one
 * downloads it, finding the seeder only through the tracker (DHT, LPD and PEX off, as in
 * PLATFORM-NOTES), once over HTTP and once over UDP (BEP 15).
 */

const HAS_ARIA2 = spawnSync('aria2c', ['--version']).status === 0;
const PIECE = 256 * 1024;

function makeTorrent(content: Buffer, name: string, announce: string): { torrent: Buffer; infoHashHex: string } {
  const pieces: Buffer[] = [];
  for (let offset = 0; offset < content.length; offset += PIECE) {
    pieces.push(createHash('sha1').update(content.subarray(offset, offset + PIECE)).digest());
  }
  const info = { length: content.length, name, 'piece length': PIECE, pieces: Buffer.concat(pieces) };
  const infoHashHex = createHash('sha1').update(bencode(info)).digest('hex');
  return { torrent: bencode({ announce, info }), infoHashHex };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function aria2(args: string[], dir: string, udp: boolean): Promise<ChildProcess> {
  const local = [
    `--dir=${dir}`,
    `--listen-port=${await freePort()}`,
    '--enable-peer-exchange=false',
    '--bt-enable-lpd=false',
    '--enable-dht6=false',
    '--disable-ipv6=true',
    '--console-log-level=warn',
    '--summary-interval=0',
    '--file-allocation=none',
    // aria2 sends UDP tracker packets from its DHT socket: on for udp:// only, with no
    // bootstrap node and its own state file, so nothing leaves the machine.
    ...(udp ? ['--enable-dht=true', `--dht-listen-port=${await freePort()}`, `--dht-file-path=${join(dir, 'dht.dat')}`] : ['--enable-dht=false']),
  ];
  return spawn('aria2c', [...local, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

function exited(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('aria2c did not finish in time'));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('aria2c through the tracker', { skip: HAS_ARIA2 ? false : 'aria2c is not installed' }, () => {
  let t: HttpTracker;
  let work: string;
  let content: Buffer;
  const allowed = new Set<string>();
  const children: ChildProcess[] = [];

  before(async () => {
    t = await startHttpTracker({ allow: (hex) => allowed.has(hex), rateLimit: false });
    work = mkdtempSync(join(tmpdir(), 'swarmtube-tracker-aria2-'));
    content = randomBytes(3 * 1024 * 1024 + 12345);
  });
  after(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await t.close();
    rmSync(work, { recursive: true, force: true });
  });

  for (const transport of ['http', 'udp'] as const) {
    it(`downloads a file from an aria2c seeder found through the ${transport.toUpperCase()} tracker`, { timeout: 90_000 }, async () => {
      let announce = `http://127.0.0.1:${t.port}/tracker/announce`;
      if (transport === 'udp') {
        const udp = await t.tracker.listenUdp({ port: 0, host: '127.0.0.1' });
        announce = `udp://127.0.0.1:${udp.address().port}`;
      }
      const name = `video-${transport}.bin`;
      const { torrent, infoHashHex } = makeTorrent(content, name, announce);
      allowed.add(infoHashHex);
      const base = join(work, transport);
      for (const dir of ['seed', 'leech']) mkdirSync(join(base, dir), { recursive: true });
      writeFileSync(join(base, 'seed', name), content);
      writeFileSync(join(base, 'video.torrent'), torrent);

      const seeder = await aria2(['--check-integrity=true', '--seed-ratio=0.0', join(base, 'video.torrent')], join(base, 'seed'), transport === 'udp');
      children.push(seeder);
      await pollUntil(() => (t.tracker.scrape(infoHashHex)?.complete ?? 0) >= 1, 30_000, 'the seeder to announce');

      const leecher = await aria2(['--seed-time=0', join(base, 'video.torrent')], join(base, 'leech'), transport === 'udp');
      children.push(leecher);
      let log = '';
      leecher.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
      leecher.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
      const code = await exited(leecher, 60_000);
      assert.equal(code, 0, `aria2c failed: ${log}`);
      assert.ok(readFileSync(join(base, 'leech', name)).equals(content), 'the downloaded file is the seeded one');
      const announces = t.tracker.stats().announces;
      assert.ok(transport === 'http' ? announces.http >= 2 : announces.udp >= 2, JSON.stringify(announces));
      seeder.kill('SIGTERM');
      await exited(seeder, 10_000).catch(() => undefined);
    });
  }
});

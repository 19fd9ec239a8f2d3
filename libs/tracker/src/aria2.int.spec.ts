import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HAS_ARIA2, runAria2, type Aria2Run } from '@swarmtube/testing';
import { bencode } from '@swarmtube/torrent';
import { startHttpTracker, type HttpTracker } from './test-support.js';
import { waitUntil } from '@swarmtube/testing';

/**
 * Real BitTorrent clients through our tracker: one aria2c seeds a file, a second one
 * downloads it, finding the seeder only through the tracker (DHT, LPD and PEX off, as in
 * PLATFORM-NOTES), once over HTTP and once over UDP (BEP 15).
 */

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

describe('aria2c through the tracker', { skip: HAS_ARIA2 ? false : 'aria2c is not installed' }, () => {
  let t: HttpTracker;
  let work: string;
  let content: Buffer;
  const allowed = new Set<string>();
  const children: Aria2Run[] = [];

  before(async () => {
    t = await startHttpTracker({ allow: (hex) => allowed.has(hex), rateLimit: false });
    work = mkdtempSync(join(tmpdir(), 'swarmtube-tracker-aria2-'));
    content = randomBytes(3 * 1024 * 1024 + 12345);
  });
  after(async () => {
    await Promise.all(children.map((child) => child.stop()));
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

      const seeder = await runAria2(join(base, 'video.torrent'), join(base, 'seed'), {
        udp: transport === 'udp',
        seedSeconds: 120,
        extraArgs: ['--check-integrity=true', '--seed-ratio=0.0'],
      });
      children.push(seeder);
      await waitUntil('the seeder to announce', () => (t.tracker.scrape(infoHashHex)?.complete ?? 0) >= 1, 30_000);

      const leecher = await runAria2(join(base, 'video.torrent'), join(base, 'leech'), { udp: transport === 'udp' });
      children.push(leecher);
      const code = await leecher.exited(60_000);
      assert.equal(code, 0, `aria2c failed: ${leecher.output()}`);
      assert.ok(readFileSync(join(base, 'leech', name)).equals(content), 'the downloaded file is the seeded one');
      const announces = t.tracker.stats().announces;
      assert.ok(transport === 'http' ? announces.http >= 2 : announces.udp >= 2, JSON.stringify(announces));
      await seeder.stop();
    });
  }
});

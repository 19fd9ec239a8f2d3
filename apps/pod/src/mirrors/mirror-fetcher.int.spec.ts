import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tempDir } from '@swarmtube/testing';
import { buildTorrent, hashFile } from '@swarmtube/torrent';
import { MirrorFetcher } from './mirror-fetcher.js';
import { torrentWithSources } from './mirror-torrent.js';

/**
 * A copy fetched from a web seed (BEP 19, HTTP Range) by the mirrors' own webtorrent client:
 * every piece checked against the torrent, the file moved into place only when whole; a partial
 * copy left by a crash is resumed (only the missing and the corrupt pieces are fetched again).
 */
const UUID = '0190f0a4-5b1c-7cc0-8a37-2f9b1f0e3c21';
const PIECE = 16 * 1024;
const SIZE = 40 * PIECE + 1234;

describe('the mirror fetcher', () => {
  const dir = tempDir('swarmtube-mirror-fetcher-');
  const source = randomBytes(SIZE);
  let server: Server;
  let served = 0;
  let torrent: Buffer;
  let infoHash: string;

  before(async () => {
    server = createServer((request, response) => {
      const range = /^bytes=(\d+)-(\d+)?$/.exec(request.headers.range ?? '');
      const start = range ? Number(range[1]) : 0;
      const end = range?.[2] !== undefined ? Number(range[2]) : SIZE - 1;
      const body = source.subarray(start, end + 1);
      served += body.length;
      response.writeHead(range ? 206 : 200, { 'content-length': body.length, 'content-range': `bytes ${start}-${end}/${SIZE}`, 'accept-ranges': 'bytes' });
      response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    writeFileSync(join(dir.path, 'source.mp4'), source);
    const { pieces } = await hashFile(join(dir.path, 'source.mp4'), PIECE);
    const built = buildTorrent({ name: `${UUID}.mp4`, length: SIZE, pieceLength: PIECE, pieces, announce: [], urlList: [`http://127.0.0.1:${port}/static/web-videos/${UUID}.mp4`] });
    torrent = built.torrent;
    infoHash = built.infoHash;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    dir.remove();
  });

  test("a torrent of another info-hash is refused before anything is fetched; trackers and web seeds are replaced, the info-hash kept", () => {
    assert.equal(torrentWithSources(torrent, 'f'.repeat(40), [], []), null);
    const mine = torrentWithSources(torrent, infoHash, ['ws://mirror.test/tracker/socket'], ['http://mirror.test/static/web-videos/x.mp4']);
    assert.ok(mine);
    assert.equal(torrentWithSources(mine, infoHash, [], []) !== null, true, 'the same info-hash');
  });

  test('a whole copy is fetched from the web seed and moved into place', async () => {
    const fetcher = new MirrorFetcher(join(dir.path, 'fetches'), { log() {}, warn() {} });
    const destination = join(dir.path, 'first.mp4');
    served = 0;
    await fetcher.fetch(UUID, torrent, destination);
    await fetcher.close();
    assert.deepEqual(readFileSync(destination), source);
    assert.ok(served >= SIZE);
    assert.deepEqual(readdirSync(join(dir.path, 'fetches')), [], 'no partial copy left');
  });

  test('a partial copy left by a crash is resumed: its good pieces are kept, a corrupt one is fetched again', async () => {
    const fetches = join(dir.path, 'resumed');
    const partial = Buffer.alloc(SIZE);
    source.copy(partial, 0, 0, 30 * PIECE);
    partial[5 * PIECE + 7] ^= 0xff;
    mkdirSync(join(fetches, UUID), { recursive: true });
    writeFileSync(join(fetches, UUID, `${UUID}.mp4`), partial);
    const fetcher = new MirrorFetcher(fetches, { log() {}, warn() {} });
    const destination = join(dir.path, 'resumed.mp4');
    served = 0;
    await fetcher.fetch(UUID, torrent, destination);
    await fetcher.close();
    assert.deepEqual(readFileSync(destination), source, 'the copy is the source, byte for byte');
    assert.ok(served < SIZE - 20 * PIECE, `only what was missing or corrupt was fetched again (${served} of ${SIZE} bytes)`);
    assert.ok(!existsSync(join(fetches, UUID)));
  });

  test('a cancelled fetch leaves nothing, and partial copies no longer wanted are swept', async () => {
    const fetches = join(dir.path, 'swept');
    mkdirSync(join(fetches, 'not-wanted'), { recursive: true });
    mkdirSync(join(fetches, 'wanted'), { recursive: true });
    const fetcher = new MirrorFetcher(fetches, { log() {}, warn() {} });
    assert.deepEqual(await fetcher.sweep(new Set(['wanted'])), ['not-wanted']);
    await fetcher.cancel('wanted');
    assert.deepEqual(readdirSync(fetches), []);
    await fetcher.close();
  });
});

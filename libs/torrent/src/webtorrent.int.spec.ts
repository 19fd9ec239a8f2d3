import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { buildTorrent } from './build-torrent.js';
import { hashFile } from './hash-file.js';
import { magnetUri } from './magnet.js';
import { hashingTap, PieceHasher } from './piece-hasher.js';
import { choosePieceLength } from './piece-length.js';
import { readTorrent } from './read-torrent.js';
import { seededRandom, tempDir, webtorrentCreate, webtorrentParse, type TempDir } from './test-support.js';

/**
 * WebTorrent's own create-torrent and parse-torrent, as independent implementations: the
 * torrents a pod makes must be the ones WebTorrent makes, and read as WebTorrent reads them.
 */

const ANNOUNCE = ['wss://pod.example/tracker/socket', 'https://pod.example/tracker/announce?key=a&b=c', 'udp://pod.example:9001'];
const URL_LIST = ['https://pod.example/static/web-seed/Été à Paris.mp4', 'https://mirror.example/v/1.mp4?token=x+y&n=%41'];
const CREATED = new Date('2026-11-20T10:00:00.500Z');

describe('torrents as WebTorrent makes and reads them', () => {
  let dir: TempDir;
  before(async () => {
    dir = await tempDir();
  });
  after(() => dir.remove());

  const sizes = [1, 16 * 1024, 16 * 1024 + 1, 100_000, 1024 * 1024 + 3, 7_654_321, 24 * 1024 * 1024 + 17];
  for (const size of sizes) {
    it(`a ${size}-byte file: the same .torrent bytes and info-hash as create-torrent, read back alike by parse-torrent`, async () => {
      const name = `Été à Paris — ${size}.mp4`;
      const { path } = await dir.file(`video-${size}.mp4`, size);
      const pieceLength = choosePieceLength(size);
      const { length, pieces } = await hashFile(path, pieceLength);
      const ours = buildTorrent({ name, length, pieceLength, pieces, announce: ANNOUNCE, urlList: URL_LIST, createdBy: 'Swarmtube', comment: 'a comment', creationDate: CREATED });

      // No pieceLength given to create-torrent: its own choice must be ours too.
      const theirs = await webtorrentCreate(path, { name, announce: ANNOUNCE, urlList: URL_LIST, createdBy: 'Swarmtube', comment: 'a comment', creationDate: CREATED });
      assert.ok(ours.torrent.equals(theirs), 'the .torrent bytes differ from create-torrent’s');

      const parsed = await webtorrentParse(ours.torrent);
      assert.equal(parsed.infoHash, ours.infoHash);
      assert.equal(parsed.name, name);
      assert.equal(parsed.length, size);
      assert.equal(parsed.pieceLength, pieceLength);
      assert.deepEqual(parsed.pieces, splitHex(pieces));
      assert.deepEqual(parsed.announce, ANNOUNCE);
      assert.deepEqual(parsed.urlList, URL_LIST);

      const read = readTorrent(ours.torrent);
      assert.ok(read.ok, read.ok ? '' : read.reason);
      assert.equal(read.torrent.infoHash, parsed.infoHash);
    });
  }

  it('an upload hashed while it streams to disk is seedable under the info-hash create-torrent gives the written file', async () => {
    const size = 5 * 1024 * 1024 + 4321;
    const data = randomBytes(size);
    const random = seededRandom(11);
    const chunks: Buffer[] = [];
    for (let i = 0; i < size; ) {
      const n = 1 + Math.floor(random() * 200_000); // network-sized pieces of a multipart body
      chunks.push(data.subarray(i, i + n));
      i += n;
    }
    // The request's Content-Length, multipart framing included, is all the pod knows up front.
    const pieceLength = choosePieceLength(size + 300);
    const hasher = new PieceHasher(pieceLength);
    const target = join(dir.path, 'upload.mp4');
    await pipeline(Readable.from(chunks), hashingTap(hasher), createWriteStream(target));
    const ours = buildTorrent({ name: 'upload.mp4', ...hasher.finish(), pieceLength, announce: ANNOUNCE, urlList: [] });

    assert.ok((await readFile(target)).equals(data));
    const theirs = await webtorrentParse(await webtorrentCreate(target, { pieceLength, announce: ANNOUNCE }));
    assert.equal(ours.infoHash, theirs.infoHash);
  });

  it('`private: false` hashes as create-torrent’s does, and an empty urlList matches no urlList', async () => {
    const { path } = await dir.file('p.mp4', 50_000);
    const { length, pieces } = await hashFile(path, 16 * 1024);
    const base = { name: 'p.mp4', length, pieces, pieceLength: 16 * 1024, announce: [], urlList: [], creationDate: CREATED };
    const theirsPrivate = await webtorrentCreate(path, { announce: [], private: false, creationDate: CREATED });
    assert.ok(buildTorrent({ ...base, private: false }).torrent.equals(theirsPrivate));
    const theirsPublic = await webtorrentCreate(path, { announce: [], creationDate: CREATED });
    assert.ok(buildTorrent(base).torrent.equals(theirsPublic));
    assert.notEqual(buildTorrent(base).infoHash, buildTorrent({ ...base, private: false }).infoHash);
  });

  it('parse-torrent reads our magnet URIs back to the same info-hash, name, trackers and web seeds', async () => {
    const infoHash = randomBytes(20).toString('hex');
    for (const name of ['video.mp4', 'Été à Paris (4K) & friends = 100%.mp4', '日本語のビデオ #2.webm']) {
      const uri = magnetUri({ infoHash, name, announce: ANNOUNCE, webSeeds: URL_LIST, length: 123456789 });
      const parsed = await webtorrentParse(uri);
      assert.equal(parsed.infoHash, infoHash);
      assert.equal(parsed.name, name);
      assert.deepEqual(parsed.announce, ANNOUNCE);
      assert.deepEqual(parsed.urlList, URL_LIST);
      assert.equal(parsed.xl, '123456789');
    }
  });

  it('refuses a multi-file torrent create-torrent made, with a typed error', async () => {
    const files = [Object.assign(randomBytes(30_000), { name: 'a.mp4' }), Object.assign(randomBytes(20_000), { name: 'b.mp4' })];
    const theirs = await webtorrentCreate(files, { name: 'folder', announce: [] });
    const read = readTorrent(theirs);
    assert.equal(read.ok, false);
    assert.equal(read.ok ? '' : read.code, 'multiFile');
  });

  it('reads multi-tracker torrents create-torrent makes with its defaults', async () => {
    const { path } = await dir.file('defaults.mp4', 40_000);
    const theirs = await webtorrentCreate(path, {});
    const parsed = await webtorrentParse(theirs);
    const read = readTorrent(theirs);
    assert.ok(read.ok, read.ok ? '' : read.reason);
    assert.equal(read.torrent.infoHash, parsed.infoHash);
    assert.deepEqual(read.torrent.announce, parsed.announce);
    assert.equal(read.torrent.name, 'defaults.mp4');
  });
});

function splitHex(pieces: Buffer): string[] {
  const out: string[] = [];
  for (let i = 0; i < pieces.length; i += 20) out.push(pieces.subarray(i, i + 20).toString('hex'));
  return out;
}

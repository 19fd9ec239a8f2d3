import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bdecode, bencode, type Decoded } from '@swarmtube/torrent';
import { SeedError } from './seed-error.js';
import { makeTorrent } from './seeder-test-support.js';
import { readSingleFileTorrent } from './single-file-torrent.js';

describe('readSingleFileTorrent', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'swarmtube-torrent-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a torrent made by create-torrent, with parse-torrent's info-hash", async () => {
    const path = join(dir, 'vidéo 1.mp4');
    writeFileSync(path, randomBytes(300_000));
    const { torrentFile, infoHash } = await makeTorrent(path, ['http://127.0.0.1:1/tracker/announce']);
    const torrent = readSingleFileTorrent(torrentFile);
    assert.equal(torrent.infoHash, infoHash);
    assert.equal(torrent.name, 'vidéo 1.mp4');
    assert.equal(torrent.length, 300_000);
    assert.equal(torrent.pieceCount, Math.ceil(300_000 / torrent.pieceLength));
  });

  it('refuses a multi-file torrent', async () => {
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    writeFileSync(join(folder, 'a.bin'), randomBytes(20_000));
    writeFileSync(join(folder, 'b.bin'), randomBytes(20_000));
    const { torrentFile } = await makeTorrent(folder, ['http://127.0.0.1:1/tracker/announce']);
    assert.throws(() => readSingleFileTorrent(torrentFile), (error: unknown) => error instanceof SeedError && error.code === 'multiFileTorrent');
  });

  function withInfo(change: (info: Map<string, Decoded>) => void): Buffer {
    const info = new Map<string, Decoded>([
      ['length', 40_000n],
      ['name', Buffer.from('v.mp4')],
      ['piece length', 16_384n],
      ['pieces', Buffer.alloc(60)],
    ]);
    change(info);
    return bencode(new Map<string, Decoded>([['info', info]]));
  }

  const invalid = (bytes: Uint8Array): void =>
    assert.throws(() => readSingleFileTorrent(bytes), (error: unknown) => error instanceof SeedError && error.code === 'invalidTorrent');

  it('refuses what is not a well-formed single-file torrent', () => {
    assert.doesNotThrow(() => readSingleFileTorrent(withInfo(() => undefined)));
    invalid(randomBytes(200));
    invalid(Buffer.from('d4:infod4:name1:xee'));
    invalid(Buffer.from('d4:info'));
    invalid(bencode({ announce: 'http://x' }));
    invalid(withInfo((info) => info.set('pieces', Buffer.alloc(40))));
    invalid(withInfo((info) => info.set('length', 0n)));
    invalid(withInfo((info) => info.set('length', -5n)));
    invalid(withInfo((info) => info.set('name', Buffer.from('../v.mp4'))));
    invalid(withInfo((info) => info.set('name', Buffer.from([0xff, 0xfe]))));
    invalid(withInfo((info) => info.set('piece length', Buffer.from('16384'))));
  });

  it('refuses non-canonical bencoding (its info-hash could not be recomputed)', () => {
    const canonical = withInfo(() => undefined);
    assert.ok(bdecode(canonical).ok);
    // Same dictionary, keys out of order.
    const text = canonical.toString('latin1').replace('6:lengthi40000e4:name5:v.mp4', '4:name5:v.mp46:lengthi40000e');
    invalid(Buffer.from(text, 'latin1'));
  });
});

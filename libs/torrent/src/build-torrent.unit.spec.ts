import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bdecode } from './bencode.js';
import { buildTorrent, type TorrentInput } from './build-torrent.js';

const PIECE = 16 * 1024;
const GOOD: TorrentInput = {
  name: 'video.mp4',
  length: PIECE + 1,
  pieceLength: PIECE,
  pieces: Buffer.alloc(40, 7),
  announce: ['wss://pod.example/tracker/socket', 'https://pod.example/tracker/announce'],
  urlList: ['https://pod.example/w/video.mp4'],
  creationDate: new Date(1_700_000_000_001),
};

describe('buildTorrent', () => {
  it('writes one tracker per tier, the first also as announce, web seeds as url-list', () => {
    const decoded = bdecode(buildTorrent(GOOD).torrent);
    assert.ok(decoded.ok && decoded.value instanceof Map);
    const top = decoded.value;
    assert.equal(String(top.get('announce')), GOOD.announce[0]);
    assert.deepEqual((top.get('announce-list') as Buffer[][]).map((tier) => tier.map(String)), GOOD.announce.map((url) => [url]));
    assert.deepEqual((top.get('url-list') as Buffer[]).map(String), GOOD.urlList);
    assert.equal(top.get('creation date'), 1_700_000_001n); // rounded up, as create-torrent does
    assert.deepEqual([...(top.get('info') as Map<string, unknown>).keys()], ['length', 'name', 'piece length', 'pieces']);
  });

  it('leaves out announce and url-list when there are none', () => {
    const decoded = bdecode(buildTorrent({ ...GOOD, announce: [], urlList: [] }).torrent);
    assert.ok(decoded.ok && decoded.value instanceof Map);
    assert.deepEqual([...decoded.value.keys()], ['creation date', 'encoding', 'info']);
  });

  it('gives a 40-digit lowercase hex info-hash and its 20 bytes', () => {
    const { infoHash, infoHashBuffer } = buildTorrent(GOOD);
    assert.match(infoHash, /^[0-9a-f]{40}$/);
    assert.equal(infoHashBuffer.toString('hex'), infoHash);
    // Only the info dictionary counts: trackers and dates do not change it.
    assert.equal(buildTorrent({ ...GOOD, announce: [], urlList: [], creationDate: new Date(0), comment: 'x' }).infoHash, infoHash);
  });

  it('refuses inputs that would make a torrent no client can use', () => {
    const cases: Array<[string, Partial<TorrentInput>]> = [
      ['zero length', { length: 0, pieces: Buffer.alloc(0) }],
      ['fractional length', { length: 1.5 }],
      ['pieces that do not fit the length', { pieces: Buffer.alloc(20) }],
      ['pieces not a multiple of 20', { pieces: Buffer.alloc(41) }],
      ['piece length not a power of two', { pieceLength: 20_000 }],
      ['a name with a slash', { name: '../video.mp4' }],
      ['an empty name', { name: '' }],
      ['a name longer than 255 bytes', { name: 'é'.repeat(128) }],
      ['a tracker that is not a URL', { announce: ['pod.example'] }],
      ['a tracker listed twice', { announce: ['udp://a:1', 'udp://a:1'] }],
      ['a web seed that is not http(s)', { urlList: ['wss://pod.example/w'] }],
      ['an invalid date', { creationDate: new Date(Number.NaN) }],
    ];
    for (const [label, change] of cases) assert.throws(() => buildTorrent({ ...GOOD, ...change }), RangeError, label);
  });
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { bdecode, bencode, type Decoded } from './bencode.js';
import { buildTorrent } from './build-torrent.js';
import { PieceHasher } from './piece-hasher.js';
import { readTorrent, type TorrentErrorCode } from './read-torrent.js';

const PIECE = 16 * 1024;
const data = randomBytes(3 * PIECE + 5);
const hasher = new PieceHasher(PIECE);
hasher.update(data);
const INPUT = {
  name: 'Été à Paris.mp4',
  ...hasher.finish(),
  pieceLength: PIECE,
  announce: ['wss://pod.example/tracker/socket', 'udp://pod.example:9001'],
  urlList: ['https://pod.example/w/1.mp4'],
  createdBy: 'Swarmtube',
  comment: 'hello',
  creationDate: new Date('2026-11-20T10:00:00Z'),
};
const BUILT = buildTorrent(INPUT);

/** Our torrent, decoded, changed by `mutate`, and encoded again (canonically). */
function variant(mutate: (top: Map<string, Decoded>, info: Map<string, Decoded>) => void): Buffer {
  const decoded = bdecode(BUILT.torrent);
  assert.ok(decoded.ok);
  const top = decoded.value as Map<string, Decoded>;
  mutate(top, top.get('info') as Map<string, Decoded>);
  return bencode(top);
}

function assertRefused(input: Uint8Array, code: TorrentErrorCode, label: string): void {
  const result = readTorrent(input);
  assert.equal(result.ok, false, `${label}: accepted`);
  if (!result.ok) {
    assert.equal(result.code, code, `${label}: ${result.reason}`);
    assert.ok(result.reason.length > 10, `${label}: the reason says why`);
  }
}

describe('readTorrent', () => {
  it('reads back everything buildTorrent wrote', () => {
    const result = readTorrent(BUILT.torrent);
    assert.ok(result.ok, result.ok ? '' : result.reason);
    const t = result.torrent;
    assert.equal(t.infoHash, BUILT.infoHash);
    assert.ok(t.infoHashBuffer.equals(BUILT.infoHashBuffer));
    assert.equal(t.name, INPUT.name);
    assert.equal(t.length, data.length);
    assert.equal(t.pieceLength, PIECE);
    assert.equal(t.pieceCount, 4);
    assert.ok(t.pieces.equals(INPUT.pieces));
    assert.deepEqual(t.announce, INPUT.announce);
    assert.deepEqual(t.urlList, INPUT.urlList);
    assert.equal(t.private, false);
    assert.equal(t.createdBy, 'Swarmtube');
    assert.equal(t.comment, 'hello');
    assert.equal(t.creationDate?.toISOString(), '2026-11-20T10:00:00.000Z');
  });

  it('accepts the other spellings BEP 12 and BEP 19 allow', () => {
    const announceOnly = readTorrent(variant((top) => top.delete('announce-list')));
    assert.ok(announceOnly.ok && announceOnly.torrent.announce.join() === INPUT.announce[0]);
    const oneSeed = readTorrent(variant((top) => top.set('url-list', Buffer.from('https://a.example/v.mp4'))));
    assert.ok(oneSeed.ok && oneSeed.torrent.urlList.join() === 'https://a.example/v.mp4');
    const noSeed = readTorrent(variant((top) => top.set('url-list', Buffer.alloc(0))));
    assert.ok(noSeed.ok && noSeed.torrent.urlList.length === 0);
    const unknownOuter = readTorrent(variant((top) => top.set('x-client-note', Buffer.from('hi'))));
    assert.ok(unknownOuter.ok && unknownOuter.torrent.infoHash === BUILT.infoHash);
  });

  it('refuses bytes that are not bencode, with a reason', () => {
    assertRefused(Buffer.from('hello, world'), 'notBencode', 'text');
    assertRefused(Buffer.alloc(0), 'notBencode', 'empty');
    assertRefused(Buffer.concat([BUILT.torrent, Buffer.from('x')]), 'notBencode', 'trailing byte');
    assertRefused(Buffer.from('l'.repeat(100_000)), 'notBencode', 'deep nesting');
    assertRefused(Buffer.from('d4:infoi1e4:infoi2ee'), 'notBencode', 'repeated key');
  });

  it('refuses every truncation of a real torrent', () => {
    for (let end = 0; end < BUILT.torrent.length; end++) {
      assertRefused(BUILT.torrent.subarray(0, end), 'notBencode', `first ${end} bytes`);
    }
  });

  it('refuses a 10 MB garbage buffer before decoding it, and as garbage when allowed that large', () => {
    const garbage = randomBytes(10 * 1024 * 1024);
    assertRefused(garbage, 'tooLarge', '10 MB');
    const result = readTorrent(garbage, { maxBytes: garbage.length });
    assert.ok(!result.ok && result.code === 'notBencode');
    garbage[0] = 0x64; // 'd': still garbage after the first byte
    const again = readTorrent(garbage, { maxBytes: garbage.length });
    assert.ok(!again.ok && again.code === 'notBencode');
  });

  it('refuses fields of the wrong type', () => {
    const cases: Array<[string, TorrentErrorCode, Buffer]> = [
      ['a list, not a dictionary', 'wrongType', bencode([1, 2])],
      ['an integer', 'wrongType', bencode(42)],
      ['info is a list', 'wrongType', variant((top) => top.set('info', [1n]))],
      ['name is an integer', 'wrongType', variant((_, info) => info.set('name', 5n))],
      ['length is a string', 'wrongType', variant((_, info) => info.set('length', Buffer.from('196613')))],
      ['piece length is a string', 'wrongType', variant((_, info) => info.set('piece length', Buffer.from('16384')))],
      ['pieces is a list', 'wrongType', variant((_, info) => info.set('pieces', [Buffer.alloc(20)]))],
      ['length beyond 2^53', 'wrongType', variant((_, info) => info.set('length', 2n ** 60n))],
      ['private is 2', 'wrongType', variant((_, info) => info.set('private', 2n))],
      ['announce-list is a string', 'wrongType', variant((top) => top.set('announce-list', Buffer.from('udp://a:1')))],
      ['an announce-list tier is a string', 'wrongType', variant((top) => top.set('announce-list', [Buffer.from('udp://a:1')]))],
      ['url-list is an integer', 'wrongType', variant((top) => top.set('url-list', 1n))],
      ['creation date is a string', 'wrongType', variant((top) => top.set('creation date', Buffer.from('today')))],
    ];
    for (const [label, code, bytes] of cases) assertRefused(bytes, code, label);
  });

  it('refuses missing, foreign and inconsistent fields', () => {
    const cases: Array<[string, TorrentErrorCode, Buffer]> = [
      ['no info', 'missingField', variant((top) => top.delete('info'))],
      ...(['name', 'length', 'piece length', 'pieces'] as const).map(
        (key): [string, TorrentErrorCode, Buffer] => [`no info.${key}`, 'missingField', variant((_, info) => info.delete(key))],
      ),
      [
        'multi-file',
        'multiFile',
        variant((_, info) => {
          info.delete('length');
          info.set('files', [new Map<string, Decoded>([['length', 49157n], ['path', [Buffer.from('a.mp4')]]])]);
        }),
      ],
      ['an info key we never write', 'unexpectedField', variant((_, info) => info.set('source', Buffer.from('elsewhere')))],
      ['pieces not a multiple of 20', 'badPieces', variant((_, info) => info.set('pieces', Buffer.alloc(79)))],
      ['a piece hash missing', 'badPieces', variant((_, info) => info.set('pieces', Buffer.alloc(60)))],
      ['a piece hash too many', 'badPieces', variant((_, info) => info.set('pieces', Buffer.alloc(100)))],
      ['zero length', 'badLength', variant((_, info) => info.set('length', 0n))],
      ['negative length', 'badLength', variant((_, info) => info.set('length', -5n))],
      ['piece length not a power of two', 'badPieceLength', variant((_, info) => info.set('piece length', 16385n))],
      ['piece length of 1 GiB', 'badPieceLength', variant((_, info) => info.set('piece length', 2n ** 30n))],
      ['a path in the name', 'badName', variant((_, info) => info.set('name', Buffer.from('../../.bashrc')))],
      ['an empty name', 'badName', variant((_, info) => info.set('name', Buffer.alloc(0)))],
      ['a name that is not UTF-8', 'badText', variant((_, info) => info.set('name', Buffer.from([0x66, 0xff, 0x2e])))],
      ['a comment that is not UTF-8', 'badText', variant((top) => top.set('comment', Buffer.from([0xc3])))],
      ['a legacy encoding', 'badText', variant((top) => top.set('encoding', Buffer.from('Shift_JIS')))],
      ['a tracker that is not a URL', 'badUrl', variant((top) => top.set('announce-list', [[Buffer.from('tracker')]]))],
      ['announce disagreeing with announce-list', 'badUrl', variant((top) => top.set('announce', Buffer.from('udp://other:1')))],
      ['an empty tier', 'badUrl', variant((top) => top.set('announce-list', [[]]))],
      ['a javascript: web seed', 'badUrl', variant((top) => top.set('url-list', [Buffer.from('javascript:alert(1)')]))],
    ];
    for (const [label, code, bytes] of cases) assertRefused(bytes, code, label);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { magnetUri } from './magnet.js';

const HASH = 'c1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4';

describe('magnetUri', () => {
  it('writes xt, dn, xl, then every tracker and web seed, in the order given', () => {
    const uri = magnetUri({
      infoHash: HASH.toUpperCase(),
      name: 'video.mp4',
      announce: ['wss://pod.example/tracker/socket', 'udp://pod.example:9001'],
      webSeeds: ['https://pod.example/w/1.mp4'],
      length: 42,
    });
    assert.equal(
      uri,
      `magnet:?xt=urn:btih:${HASH}&dn=video.mp4&xl=42` +
        '&tr=wss%3A%2F%2Fpod.example%2Ftracker%2Fsocket&tr=udp%3A%2F%2Fpod.example%3A9001' +
        '&ws=https%3A%2F%2Fpod.example%2Fw%2F1.mp4',
    );
  });

  it('percent-encodes what would otherwise split or change a parameter', () => {
    const uri = magnetUri({
      infoHash: HASH,
      name: 'a b+c&d=e#f%g é.mp4',
      announce: ['https://t.example/announce?key=1&x=2'],
      webSeeds: [],
    });
    assert.equal(uri, `magnet:?xt=urn:btih:${HASH}&dn=a%20b%2Bc%26d%3De%23f%25g%20%C3%A9.mp4&tr=https%3A%2F%2Ft.example%2Fannounce%3Fkey%3D1%26x%3D2`);
    const query = new URLSearchParams(uri.slice('magnet:?'.length));
    assert.equal(query.get('dn'), 'a b+c&d=e#f%g é.mp4');
    assert.deepEqual(query.getAll('tr'), ['https://t.example/announce?key=1&x=2']);
    assert.equal(query.get('xl'), null);
  });

  it('refuses what would make a broken link', () => {
    const good = { infoHash: HASH, name: 'v.mp4', announce: [], webSeeds: [] };
    assert.throws(() => magnetUri({ ...good, infoHash: HASH.slice(1) }), RangeError);
    assert.throws(() => magnetUri({ ...good, infoHash: 'z'.repeat(40) }), RangeError);
    assert.throws(() => magnetUri({ ...good, name: '' }), RangeError);
    assert.throws(() => magnetUri({ ...good, name: 'bad\uD800.mp4' }), RangeError);
    assert.throws(() => magnetUri({ ...good, announce: ['not a url'] }), RangeError);
    assert.throws(() => magnetUri({ ...good, webSeeds: ['udp://x:1'] }), RangeError);
    assert.throws(() => magnetUri({ ...good, length: 0 }), RangeError);
  });
});

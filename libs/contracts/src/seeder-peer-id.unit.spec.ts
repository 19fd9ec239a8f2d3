import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isSeederPeerId, podOrigin, seederPeerId, seederPeerIdPrefix } from './seeder-peer-id.js';

describe('seeder peer ids', () => {
  const random = new Uint8Array([1, 2, 3, 4, 5, 6]);

  test('20 bytes: the client, six bytes of the pod, six random ones', () => {
    const id = seederPeerId('https://video.example.org', random);
    assert.match(id, /^[0-9a-f]{40}$/);
    assert.equal(Buffer.from(id, 'hex').subarray(0, 8).toString('latin1'), '-ST0001-');
    assert.ok(id.endsWith('010203040506'));
    assert.ok(id.startsWith(seederPeerIdPrefix('https://video.example.org')));
    assert.ok(isSeederPeerId(id));
    assert.equal(isSeederPeerId('2d5757303330302d' + '00'.repeat(12)), false, "webtorrent's own -WW0300- is a viewer");
  });

  test('any URL on the pod names the same pod; another pod, another prefix', () => {
    const prefix = seederPeerIdPrefix('https://video.example.org');
    assert.equal(seederPeerIdPrefix('https://VIDEO.example.org/static/web-videos/a.mp4'), prefix);
    assert.notEqual(seederPeerIdPrefix('https://video.example.org:8443'), prefix);
    assert.notEqual(seederPeerIdPrefix('http://video.example.org'), prefix);
    assert.equal(podOrigin('http://127.0.0.1:9003/static/torrents/x.torrent'), 'http://127.0.0.1:9003');
    assert.throws(() => seederPeerId('https://video.example.org', new Uint8Array(5)), RangeError);
    assert.throws(() => seederPeerIdPrefix('not a url'));
  });
});

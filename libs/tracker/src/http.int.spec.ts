import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Decoded } from '@swarmtube/torrent';
import {
  announcePath,
  decodeDict,
  HASH_A,
  HASH_B,
  HASH_UNKNOWN,
  int,
  peerId,
  percent,
  rawGet,
  startHttpTracker,
  text,
  type HttpTracker,
} from './test-support.js';

/** Sends raw request bytes (anything a hostile client could) and returns the whole answer. */
function rawRequest(port: number, request: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error('timeout')));
  });
}

function bodyOf(response: Buffer): Buffer {
  return response.subarray(response.indexOf('\r\n\r\n') + 4);
}

async function announce(port: number, params: Parameters<typeof announcePath>[0]): Promise<Map<string, Decoded>> {
  const { status, body } = await rawGet(port, announcePath(params));
  assert.equal(status, 200);
  return decodeDict(body);
}

function failureOf(dict: Map<string, Decoded>): string {
  assert.ok(dict.has('failure reason'), `no failure reason in ${[...dict.keys()]}`);
  return text(dict.get('failure reason'));
}

describe('HTTP tracker', { timeout: 60_000 }, () => {
  let t: HttpTracker;
  before(async () => {
    t = await startHttpTracker({ rateLimit: false });
  });
  after(() => t.close());

  it('answers compact by default: 6 bytes per peer, the other peers only (BEP 23)', async () => {
    const first = await announce(t.port, { infoHash: HASH_A, peerId: peerId('-AA0001-'), port: 6001, extra: '&event=started' });
    assert.equal(int(first.get('interval')), 600);
    assert.equal(int(first.get('min interval')), 60);
    assert.equal(int(first.get('incomplete')), 1);
    assert.equal(int(first.get('complete')), 0);
    assert.deepEqual(first.get('peers'), Buffer.alloc(0));
    assert.ok(!first.has('peers6'));
    const second = await announce(t.port, { infoHash: HASH_A, peerId: peerId('-AA0002-'), port: 6002, left: 0, extra: '&event=started&compact=1' });
    assert.deepEqual(second.get('peers'), Buffer.from([127, 0, 0, 1, 6001 >> 8, 6001 & 255]));
    assert.equal(int(second.get('complete')), 1);
    assert.equal(int(second.get('incomplete')), 1);
    const { body } = await rawGet(t.port, announcePath({ infoHash: HASH_A, peerId: peerId('-AA0001-'), port: 6001 }));
    assert.deepEqual(decodeDict(body).get('peers'), Buffer.from([127, 0, 0, 1, 6002 >> 8, 6002 & 255]));
  });

  it('answers compact=0 with dictionaries whose peer id is the exact 20 bytes (bittorrent-tracker#460)', async () => {
    const binaryId = Buffer.from('2d4e4f30303031ff00fe80c3a9e2828c25263d2b', 'hex');
    await announce(t.port, { infoHash: HASH_B, peerId: binaryId, port: 7001 });
    const dict = await announce(t.port, { infoHash: HASH_B, peerId: peerId('-NC0002-'), port: 7002, extra: '&compact=0' });
    const peers = dict.get('peers') as Decoded[];
    assert.ok(Array.isArray(peers));
    assert.equal(peers.length, 1);
    const peer = peers[0] as Map<string, Decoded>;
    assert.deepEqual([...peer.keys()], ['ip', 'peer id', 'port']);
    assert.equal(text(peer.get('ip')), '127.0.0.1');
    assert.equal(int(peer.get('port')), 7001);
    const id = peer.get('peer id') as Buffer;
    assert.equal(id.length, 20);
    assert.deepEqual(id, binaryId);
    const bare = await announce(t.port, { infoHash: HASH_B, peerId: peerId('-NC0002-'), port: 7002, extra: '&compact=0&no_peer_id=1' });
    assert.deepEqual([...((bare.get('peers') as Decoded[])[0] as Map<string, Decoded>).keys()], ['ip', 'port']);
  });

  it('scrapes several torrents keyed by their raw 20-byte info-hash (node-bencode#88, BEP 48)', async () => {
    const { status, body } = await rawGet(
      t.port,
      `/tracker/scrape?info_hash=${percent(HASH_A)}&info_hash=${percent(HASH_B)}&info_hash=${percent(HASH_UNKNOWN)}`,
    );
    assert.equal(status, 200);
    const files = decodeDict(body).get('files') as Map<string, Decoded>;
    assert.deepEqual(
      [...files.keys()].map((key) => Buffer.from(key, 'latin1')),
      [HASH_A, HASH_B].sort(Buffer.compare),
      'raw keys, sorted as bytes; the unknown torrent left out',
    );
    const b = files.get(HASH_B.toString('latin1')) as Map<string, Decoded>;
    assert.deepEqual([...b.keys()], ['complete', 'downloaded', 'incomplete']);
    assert.equal(int(b.get('incomplete')), 2);
    const raw = Buffer.concat([Buffer.from('20:'), HASH_B, Buffer.from('d8:complete')]);
    assert.ok(body.includes(raw), 'the key is on the wire as 20 raw bytes');
  });

  it('refuses torrents that are not the pod’s with a failure reason and HTTP 200', async () => {
    const dict = await announce(t.port, { infoHash: HASH_UNKNOWN, peerId: peerId('-UK0001-'), port: 6001 });
    assert.match(failureOf(dict), /unknown info_hash/);
    assert.deepEqual([...dict.keys()], ['failure reason']);
    const scrape = await rawGet(t.port, `/tracker/scrape?info_hash=${percent(HASH_UNKNOWN)}`);
    assert.equal(scrape.status, 200);
    assert.match(failureOf(decodeDict(scrape.body)), /unknown info_hash/);
    assert.equal(t.tracker.stats().swarms, 2, 'no swarm was created for it');
  });

  it('forgets a peer that sends stopped, and counts completed', async () => {
    const id = peerId('-ST0001-');
    await announce(t.port, { infoHash: HASH_A, peerId: id, port: 6100, extra: '&event=started' });
    const done = await announce(t.port, { infoHash: HASH_A, peerId: id, port: 6100, left: 0, extra: '&event=completed' });
    assert.equal(int(done.get('downloaded')), 1);
    const stopped = await announce(t.port, { infoHash: HASH_A, peerId: id, port: 6100, left: 0, extra: '&event=stopped' });
    assert.deepEqual(stopped.get('peers'), Buffer.alloc(0), 'no peers for a peer that leaves');
    const files = decodeDict((await rawGet(t.port, `/tracker/scrape?info_hash=${percent(HASH_A)}`)).body).get('files') as Map<string, Decoded>;
    const a = files.get(HASH_A.toString('latin1')) as Map<string, Decoded>;
    assert.equal(int(a.get('complete')), 1);
    assert.equal(int(a.get('downloaded')), 1);
  });

  it('answers hostile requests with a clear failure, and keeps serving', async () => {
    const good = `info_hash=${percent(HASH_A)}&peer_id=${percent(peerId('-HX0001-'))}&uploaded=0&downloaded=0&left=5`;
    const cases: Array<[string, RegExp]> = [
      [`/tracker/announce?info_hash=abc&peer_id=${percent(peerId('x'))}&port=1&uploaded=0&downloaded=0&left=1`, /info_hash must be 20 bytes/],
      [`/tracker/announce?info_hash=${HASH_A.toString('hex')}&peer_id=${percent(peerId('x'))}&port=1&uploaded=0&downloaded=0&left=1`, /info_hash must be 20 bytes/],
      [`/tracker/announce?info_hash=%zz${percent(HASH_A.subarray(1))}&peer_id=${percent(peerId('x'))}&port=1&uploaded=0&downloaded=0&left=1`, /percent-encoding/],
      [`/tracker/announce?${good}&port=0`, /port/],
      [`/tracker/announce?${good}&port=70000`, /port/],
      [`/tracker/announce?${good}&port=1&numwant=many`, /numwant/],
      [`/tracker/announce?${good}&port=1&event=bogus`, /event/],
      [`/tracker/announce?${good}`, /missing port/],
      [`/tracker/announce?${good}&port=1&pad=${'x'.repeat(9000)}`, /longer than 8192/],
      ['/tracker/announce', /missing info_hash/],
      ['/tracker/scrape', /at least one info_hash/],
      [`/tracker/scrape?${Array.from({ length: 101 }, (_, i) => `info_hash=${percent(Buffer.alloc(20, i))}`).join('&')}`, /at most 100/],
    ];
    for (const [path, reason] of cases) {
      const { status, body } = await rawGet(t.port, path);
      assert.equal(status, 200, path.slice(0, 80));
      assert.match(failureOf(decodeDict(body)), reason, path.slice(0, 80));
    }
    // Raw bytes ≥ 0x80 in the request line: Node's parser refuses them (400) before us.
    const raw = Buffer.concat([
      Buffer.from('GET /tracker/announce?info_hash='),
      Buffer.from([0xff, 0xfe, 0x80]),
      Buffer.from(` HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
    ]);
    assert.match((await rawRequest(t.port, raw)).toString('latin1'), /^HTTP\/1\.1 400/);
    // A truncated escape at the very end of the query.
    const truncated = Buffer.from(`GET /tracker/announce?${good}&port=1&info_hash=% HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    const response = await rawRequest(t.port, truncated);
    assert.match(response.toString('latin1'), /^HTTP\/1\.1 200/);
    assert.match(failureOf(decodeDict(bodyOf(response))), /info_hash given twice/);
    const truncatedHash = Buffer.from(`GET /tracker/announce?info_hash=${percent(HASH_A.subarray(0, 19))}% HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.match(failureOf(decodeDict(bodyOf(await rawRequest(t.port, truncatedHash)))), /percent-encoding/);
    // A query longer than Node's header limit never reaches the tracker: Node answers 431.
    const huge = await rawRequest(t.port, Buffer.from(`GET /tracker/announce?${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`));
    assert.match(huge.toString('latin1'), /^HTTP\/1\.1 431/);
    // numwant huge is clamped, not refused.
    const fine = await announce(t.port, { infoHash: HASH_A, peerId: peerId('-HX0002-'), port: 6200, extra: '&numwant=18446744073709551616' });
    assert.ok(Buffer.isBuffer(fine.get('peers')));
    const stats = t.tracker.stats();
    assert.ok((stats.failures.invalidPort ?? 0) >= 2);
    assert.ok((stats.failures.invalidInfoHash ?? 0) >= 3);
  });
});

describe('HTTP tracker rate limit', () => {
  it('refuses an address past its burst with a failure reason', async () => {
    const t = await startHttpTracker({ rateLimit: { ratePerSecond: 0.001, burst: 3 } });
    try {
      const reasons: string[] = [];
      for (let i = 0; i < 5; i++) {
        const dict = await announce(t.port, { infoHash: HASH_A, peerId: peerId(`-RL000${i}-`), port: 6000 + i });
        reasons.push(dict.has('failure reason') ? text(dict.get('failure reason')) : 'ok');
      }
      assert.deepEqual(reasons.slice(0, 3), ['ok', 'ok', 'ok']);
      assert.match(reasons[3], /rate limited/);
      assert.match(reasons[4], /rate limited/);
      const scrape = decodeDict((await rawGet(t.port, `/tracker/scrape?info_hash=${percent(HASH_A)}`)).body);
      assert.match(failureOf(scrape), /rate limited/, 'scrape shares the bucket');
      assert.equal(t.tracker.stats().failures.rateLimited, 3);
    } finally {
      await t.close();
    }
  });
});

describe('HTTP tracker over IPv6 (BEP 7 peers6)', () => {
  it('gives IPv6 peers in peers6, 18 bytes each, next to IPv4 peers', async (context) => {
    const probe = net.createServer();
    const ipv6 = await new Promise<boolean>((resolve) => {
      probe.once('error', () => resolve(false));
      probe.listen(0, '::1', () => probe.close(() => resolve(true)));
    });
    if (!ipv6) return context.skip('no IPv6 loopback here');
    const t = await startHttpTracker({ rateLimit: false }, '::');
    try {
      const v6 = await rawGet(t.port, announcePath({ infoHash: HASH_A, peerId: peerId('-V60001-'), port: 6881 }), '::1');
      assert.equal(v6.status, 200);
      const v4 = decodeDict((await rawGet(t.port, announcePath({ infoHash: HASH_A, peerId: peerId('-V40001-'), port: 6882 }), '127.0.0.1')).body);
      assert.deepEqual(v4.get('peers6'), Buffer.concat([Buffer.alloc(15), Buffer.from([1, 6881 >> 8, 6881 & 255])]));
      assert.deepEqual(v4.get('peers'), Buffer.alloc(0));
      const v6again = decodeDict((await rawGet(t.port, announcePath({ infoHash: HASH_A, peerId: peerId('-V60001-'), port: 6881, extra: '&compact=0' }), '::1')).body);
      const peer = (v6again.get('peers') as Decoded[])[0] as Map<string, Decoded>;
      assert.equal(text(peer.get('ip')), '127.0.0.1', 'IPv4-mapped source reads as IPv4');
    } finally {
      await t.close();
    }
  });
});

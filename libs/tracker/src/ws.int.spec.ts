import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { HASH_A, HASH_B, HASH_UNKNOWN, peerId, startHttpTracker, type HttpTracker } from './test-support.js';
import { waitUntil } from '../../testing/src/wait-until.js';

/** One RFC 6455 frame, written by hand to send what no client library would (unmasked, oversized). */
function rawFrame(opcode: number, payload: Buffer, mask?: Buffer): Buffer {
  const head = payload.length < 126 ? Buffer.from([0x80 | opcode, payload.length]) : Buffer.from([0x80 | opcode, 126, payload.length >> 8, payload.length & 0xff]);
  if (mask === undefined) return Buffer.concat([head, payload]);
  head[1] |= 0x80;
  return Buffer.concat([head, mask, Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]))]);
}
const OPCODE_TEXT = 0x1;

/** WebTorrent sends ids as "binary strings": one char per byte. */
const bin = (bytes: Buffer): string => bytes.toString('latin1');

/** An independent client (the ws package) that queues what it receives. */
class Peer {
  readonly inbox: Array<Record<string, unknown>> = [];
  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.inbox.push(JSON.parse(String(data)) as Record<string, unknown>));
  }

  static async open(port: number, path = '/tracker/socket'): Promise<Peer> {
    const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new Peer(socket);
  }

  send(message: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(message));
  }

  /** The next message matching `filter` (removed from the inbox), polled, bounded. */
  next(filter: (message: Record<string, unknown>) => boolean = () => true, what = 'a message'): Promise<Record<string, unknown>> {
    return waitUntil(what, () => {
      const i = this.inbox.findIndex(filter);
      return i < 0 ? undefined : this.inbox.splice(i, 1)[0];
    }, 5000);
  }

  close(): void {
    this.socket.close();
  }
}

describe('WebSocket tracker (WebTorrent protocol)', { timeout: 60_000 }, () => {
  let t: HttpTracker;
  before(async () => {
    t = await startHttpTracker({ rateLimit: false, maxWsConnectionsPerAddress: 20 });
  });
  after(() => t.close());

  it('relays an offer and its answer between two peers of one swarm', async () => {
    const alice = await Peer.open(t.port);
    const bob = await Peer.open(t.port);
    const aliceId = bin(peerId('-WW0300-', 0xe9));
    const bobId = bin(peerId('-WW0300-', 0x80));
    const infoHash = bin(HASH_B);

    bob.send({ action: 'announce', info_hash: infoHash, peer_id: bobId, left: 0, event: 'started', numwant: 0, uploaded: 0, downloaded: 0 });
    assert.deepEqual(await bob.next(), { action: 'announce', interval: 120, info_hash: infoHash, complete: 1, incomplete: 0 });

    const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
    const offerId = bin(Buffer.from('00112233445566778899aabbccddeeff0011ff80', 'hex'));
    alice.send({ action: 'announce', info_hash: infoHash, peer_id: aliceId, left: 1000, event: 'started', numwant: 1, offers: [{ offer, offer_id: offerId }] });
    assert.deepEqual(await alice.next(), { action: 'announce', interval: 120, info_hash: infoHash, complete: 1, incomplete: 1 });

    const received = await bob.next((m) => m.offer !== undefined, 'the offer');
    assert.deepEqual(received, { action: 'announce', offer, offer_id: offerId, peer_id: aliceId, info_hash: infoHash });

    const answer = { type: 'answer', sdp: 'v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n' };
    bob.send({ action: 'announce', info_hash: infoHash, peer_id: bobId, to_peer_id: aliceId, answer, offer_id: offerId });
    const answered = await alice.next((m) => m.answer !== undefined, 'the answer');
    assert.deepEqual(answered, { action: 'announce', answer, offer_id: offerId, peer_id: bobId, info_hash: infoHash });
    assert.equal(bob.inbox.length, 0, 'no announce reply to an answer');

    const stats = t.tracker.stats();
    assert.equal(stats.wsOffersRelayed, 1);
    assert.equal(stats.wsAnswersRelayed, 1);
    assert.equal(stats.wsPeers, 2);

    bob.send({ action: 'scrape', info_hash: [infoHash, bin(HASH_UNKNOWN)] });
    assert.deepEqual(await bob.next(), { action: 'scrape', files: { [infoHash]: { complete: 1, incomplete: 1, downloaded: 0 } } });

    alice.close();
    bob.close();
    await waitUntil('members to leave on close', () => t.tracker.stats().wsPeers === 0, 5000);
    assert.equal(t.tracker.stats().wsConnections, 0);
  });

  it('refuses unknown torrents and bad messages with a failure reason, and keeps the connection', async () => {
    const peer = await Peer.open(t.port);
    const id = bin(peerId('-WW0300-'));
    peer.send({ action: 'announce', info_hash: bin(HASH_UNKNOWN), peer_id: id, left: 1, offers: [] });
    const unknown = await peer.next();
    assert.equal(unknown.info_hash, bin(HASH_UNKNOWN), 'carries info_hash so WebTorrent routes it');
    assert.match(String(unknown['failure reason']), /unknown info_hash/);

    peer.socket.send('{not json');
    assert.match(String((await peer.next())['failure reason']), /not JSON/);
    peer.send({ action: 'announce', info_hash: 'short', peer_id: id });
    assert.match(String((await peer.next())['failure reason']), /info_hash/);
    peer.send({ action: 'announce', info_hash: bin(HASH_A), peer_id: 'x'.repeat(19) + '\u0100' });
    assert.match(String((await peer.next())['failure reason']), /peer_id/);
    peer.send({ action: 'announce', info_hash: bin(HASH_A), peer_id: id, event: 'paused' });
    assert.match(String((await peer.next())['failure reason']), /event/);
    peer.send({ action: 'dance' });
    assert.match(String((await peer.next())['failure reason']), /action/);
    peer.send({ action: 'announce', info_hash: bin(HASH_A), peer_id: id, to_peer_id: bin(peerId('nobody')), answer: {}, offer_id: 'x' });
    assert.match(String((await peer.next())['failure reason']), /announce before answering/);
    peer.send({ action: 'scrape' });
    assert.match(String((await peer.next())['failure reason']), /at least one info_hash/);

    peer.send({ action: 'announce', info_hash: bin(HASH_A), peer_id: id, left: 5, event: 'started' });
    assert.equal((await peer.next()).incomplete, 1, 'still served after all that');
    peer.close();
    await waitUntil('cleanup', () => t.tracker.stats().wsPeers === 0, 5000);
  });

  it('moves a peer id announced again from a new connection', async () => {
    const first = await Peer.open(t.port);
    const second = await Peer.open(t.port);
    const other = await Peer.open(t.port);
    const id = bin(peerId('-WW0300-', 0x41));
    first.send({ action: 'announce', info_hash: bin(HASH_A), peer_id: id, left: 5 });
    await first.next();
    second.send({ action: 'announce', info_hash: bin(HASH_A), peer_id: id, left: 5 });
    assert.equal((await second.next()).incomplete, 1, 'one member, not two');
    other.send({ action: 'announce', info_hash: bin(HASH_A), peer_id: bin(peerId('-OT')), left: 5, offers: [{ offer: { sdp: 'x' }, offer_id: 'o1' }] });
    await other.next();
    await second.next((m) => m.offer !== undefined, 'the offer on the new connection');
    assert.equal(first.inbox.length, 0);
    for (const peer of [first, second, other]) peer.close();
    await waitUntil('cleanup', () => t.tracker.stats().wsConnections === 0, 5000);
  });

  it('closes with 1002 on an unmasked frame and 1009 on an oversized one', async () => {
    for (const [frame, code] of [
      [rawFrame(OPCODE_TEXT, Buffer.from('{}')), 1002],
      [Buffer.from([0x81, 0xff, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff]), 1009],
    ] as const) {
      const socket = net.connect(t.port, '127.0.0.1');
      const received: Buffer[] = [];
      socket.on('data', (chunk) => received.push(chunk));
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      socket.write('GET /tracker/socket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
      await waitUntil('the handshake', () => Buffer.concat(received).includes('\r\n\r\n'), 5000);
      socket.write(frame);
      await waitUntil('a close frame', () => Buffer.concat(received).includes(Buffer.from([0x88, 0x02])), 5000);
      socket.end();
      await closed;
      const all = Buffer.concat(received);
      assert.match(all.toString('latin1'), /^HTTP\/1\.1 101 Switching Protocols\r\n[\s\S]*Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=\r\n/);
      const close = all.subarray(all.indexOf(Buffer.from([0x88, 0x02])));
      assert.equal(close.readUInt16BE(2), code);
    }
  });

  it('closes with 1008 a peer that feeds a frame in tiny pieces, long before the frame ends', async () => {
    const size = 64 * 1024 - 100;
    const head = Buffer.from([0x81, 0xfe, size >> 8, size & 0xff, 1, 2, 3, 4]);
    const frame = Buffer.concat([head, Buffer.alloc(size, 0x20)]);
    const socket = net.connect(t.port, '127.0.0.1');
    socket.setNoDelay(true);
    const received: Buffer[] = [];
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', () => undefined);
    let closed = false;
    socket.on('close', () => (closed = true));
    socket.write('GET /tracker/socket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    await waitUntil('the handshake', () => Buffer.concat(received).includes('\r\n\r\n'), 5000);
    // Two bytes a turn of the event loop: each write is its own segment, most reads one chunk.
    let sent = 0;
    while (sent < frame.length && !closed) {
      socket.write(frame.subarray(sent, sent + 2));
      sent += 2;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waitUntil('the tracker to close', () => closed, 10_000);
    assert.ok(sent < frame.length / 4, `closed after ${sent} of ${frame.length} bytes`);
    const all = Buffer.concat(received);
    const close = all.subarray(all.indexOf(Buffer.from([0x88, 0x02])));
    assert.equal(close.readUInt16BE(2), 1008);
  });

  it('forgets a peer whose TCP connection ends without a close frame', async () => {
    const socket = net.connect(t.port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk) => received.push(chunk));
    let closed = false;
    socket.on('close', () => (closed = true));
    socket.write('GET /tracker/socket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    await waitUntil('the handshake', () => Buffer.concat(received).includes('\r\n\r\n'), 5000);
    const announce = { action: 'announce', info_hash: bin(HASH_A), peer_id: bin(peerId('-HALF')), left: 3 };
    socket.write(rawFrame(OPCODE_TEXT, Buffer.from(JSON.stringify(announce)), Buffer.from([1, 2, 3, 4])));
    await waitUntil('the announce', () => t.tracker.stats().wsPeers === 1, 5000);
    socket.end(); // FIN only
    await waitUntil('the tracker to close its side too', () => closed, 5000);
    await waitUntil('the tracker to let go', () => t.tracker.stats().wsPeers === 0 && t.tracker.stats().wsConnections === 0, 5000);
  });

  it('refuses bad handshakes with plain HTTP statuses', async () => {
    const handshake = async (path: string, headers: string): Promise<string> => {
      const socket = net.connect(t.port, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (chunk) => chunks.push(chunk));
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n${headers}\r\n`);
      await closed;
      return Buffer.concat(chunks).toString('latin1').split('\r\n')[0];
    };
    const key = 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';
    assert.equal(await handshake('/tracker/socket', `Upgrade: websocket\r\nSec-WebSocket-Version: 8\r\n${key}`), 'HTTP/1.1 426 Upgrade Required');
    assert.equal(await handshake('/tracker/socket', `Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: short\r\n`), 'HTTP/1.1 400 Bad Request');
    assert.equal(await handshake('/tracker/socket', `Upgrade: h2c\r\nSec-WebSocket-Version: 13\r\n${key}`), 'HTTP/1.1 400 Bad Request');
    assert.equal(await handshake('/elsewhere', `Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n${key}`), 'HTTP/1.1 404 Not Found');
  });
});

describe('WebSocket tracker limits', { timeout: 30_000 }, () => {
  it('caps connections per address and rate-limits messages', async () => {
    const t = await startHttpTracker({ maxWsConnectionsPerAddress: 2, rateLimit: { ratePerSecond: 0.001, burst: 4 } });
    try {
      const one = await Peer.open(t.port);
      await Peer.open(t.port);
      const refused = new WebSocket(`ws://127.0.0.1:${t.port}/tracker/socket`);
      const status = await new Promise<number>((resolve) => {
        refused.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        refused.on('error', () => undefined);
      });
      assert.equal(status, 429);
      // Two tokens went to the two upgrades; two announces pass, the third is refused.
      const id = bin(peerId('-RL'));
      for (let i = 0; i < 3; i++) one.send({ action: 'announce', info_hash: bin(HASH_A), peer_id: id, left: 1 });
      const replies = [await one.next(), await one.next(), await one.next()];
      assert.deepEqual(replies.map((r) => r['failure reason'] === undefined), [true, true, false]);
      assert.match(String(replies[2]['failure reason']), /rate limited/);
      assert.equal(replies[2].info_hash, bin(HASH_A));
    } finally {
      await t.close();
    }
  });
});

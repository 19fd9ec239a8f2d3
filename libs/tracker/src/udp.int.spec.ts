import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { createTracker, type Tracker } from './tracker.js';
import { HASH_A, HASH_B, HASH_UNKNOWN, peerId } from './test-support.js';
import type { UdpTrackerHandle } from './udp.js';

/** A client socket that matches replies to requests by transaction id (bounded waits). */
class UdpClient {
  readonly socket = dgram.createSocket('udp4');
  private readonly waiting = new Map<number, (reply: Buffer) => void>();
  readonly unmatched: Buffer[] = [];

  constructor(private readonly port: number) {
    this.socket.on('message', (msg) => {
      const tx = msg.length >= 8 ? msg.readUInt32BE(4) : -1;
      const resolve = this.waiting.get(tx);
      if (resolve) {
        this.waiting.delete(tx);
        resolve(msg);
      } else this.unmatched.push(msg);
    });
  }

  async bind(): Promise<number> {
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
    return this.socket.address().port;
  }

  request(packet: Buffer, tx: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(tx);
        reject(new Error(`no reply to transaction ${tx.toString(16)}`));
      }, 3000);
      this.waiting.set(tx, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.socket.send(packet, this.port, '127.0.0.1');
    });
  }

  send(packet: Buffer): void {
    this.socket.send(packet, this.port, '127.0.0.1');
  }

  close(): void {
    this.socket.close();
  }
}

function connectRequest(tx: number, protocolId = 0x41727101980n): Buffer {
  const packet = Buffer.alloc(16);
  packet.writeBigUInt64BE(protocolId, 0);
  packet.writeUInt32BE(0, 8);
  packet.writeUInt32BE(tx, 12);
  return packet;
}

interface AnnounceFields {
  connectionId: Buffer;
  tx: number;
  infoHash: Buffer;
  peerId: Buffer;
  left?: bigint;
  event?: number;
  numwant?: number;
  port: number;
  ip?: number;
}

/** The IPv4 announce request of BEP 15, offset by offset. */
function announceRequest(f: AnnounceFields): Buffer {
  const packet = Buffer.alloc(98);
  f.connectionId.copy(packet, 0); // 0  connection_id
  packet.writeUInt32BE(1, 8); //      8  action: announce
  packet.writeUInt32BE(f.tx, 12); //  12 transaction_id
  f.infoHash.copy(packet, 16); //     16 info_hash
  f.peerId.copy(packet, 36); //       36 peer_id
  packet.writeBigUInt64BE(0n, 56); // 56 downloaded
  packet.writeBigUInt64BE(f.left ?? 1000n, 64); // 64 left
  packet.writeBigUInt64BE(0n, 72); // 72 uploaded
  packet.writeUInt32BE(f.event ?? 0, 80); // 80 event
  packet.writeUInt32BE(f.ip ?? 0, 84); // 84 IP address
  packet.writeUInt32BE(0x12345678, 88); // 88 key
  packet.writeInt32BE(f.numwant ?? -1, 92); // 92 num_want
  packet.writeUInt16BE(f.port, 96); // 96 port
  return packet;
}

function scrapeRequest(connectionId: Buffer, tx: number, hashes: Buffer[]): Buffer {
  const packet = Buffer.alloc(16 + 20 * hashes.length);
  connectionId.copy(packet, 0);
  packet.writeUInt32BE(2, 8);
  packet.writeUInt32BE(tx, 12);
  hashes.forEach((hash, i) => hash.copy(packet, 16 + 20 * i));
  return packet;
}

function errorText(reply: Buffer, tx: number): string {
  assert.equal(reply.readUInt32BE(0), 3, `expected an error packet, got action ${reply.readUInt32BE(0)}`);
  assert.equal(reply.readUInt32BE(4), tx);
  return reply.toString('utf8', 8);
}

describe('UDP tracker (BEP 15)', { timeout: 60_000 }, () => {
  let clock = 1_700_000_000_000;
  let tracker: Tracker;
  let udp: UdpTrackerHandle;
  let a: UdpClient;
  let b: UdpClient;
  let txCounter = 0x1000;
  const tx = (): number => txCounter++;

  async function connect(client: UdpClient): Promise<Buffer> {
    const id = tx();
    const reply = await client.request(connectRequest(id), id);
    return reply.subarray(8, 16);
  }

  before(async () => {
    const allowed = new Set([HASH_A.toString('hex'), HASH_B.toString('hex')]);
    tracker = createTracker({ allow: (hex) => allowed.has(hex), rateLimit: false, now: () => clock, maxUdpPeers: 3 });
    udp = await tracker.listenUdp({ port: 0, host: '127.0.0.1' });
    a = new UdpClient(udp.address().port);
    b = new UdpClient(udp.address().port);
    await a.bind();
    await b.bind();
  });
  after(async () => {
    a.close();
    b.close();
    await tracker.close();
  });

  it('connect: 16 bytes back, action 0, transaction id echoed, an 8-byte connection id', async () => {
    const reply = await a.request(connectRequest(0xdeadbeef), 0xdeadbeef);
    assert.equal(reply.length, 16);
    assert.equal(reply.readUInt32BE(0), 0);
    assert.equal(reply.readUInt32BE(4), 0xdeadbeef);
    const again = await a.request(connectRequest(0xdeadbef0), 0xdeadbef0);
    assert.deepEqual(again.subarray(8), reply.subarray(8), 'same address, same second: same id (stateless)');
  });

  it('announce: 20-byte header, then 6 bytes per peer; the port comes from the packet', async () => {
    const idA = await connect(a);
    const first = tx();
    const replyA = await a.request(announceRequest({ connectionId: idA, tx: first, infoHash: HASH_A, peerId: peerId('-UA0001-'), event: 2, port: 51413 }), first);
    assert.equal(replyA.length, 20);
    assert.equal(replyA.readUInt32BE(0), 1, 'action announce');
    assert.equal(replyA.readUInt32BE(4), first, 'transaction id');
    assert.equal(replyA.readUInt32BE(8), 600, 'interval');
    assert.equal(replyA.readUInt32BE(12), 1, 'leechers');
    assert.equal(replyA.readUInt32BE(16), 0, 'seeders');
    const idB = await connect(b);
    const second = tx();
    // IP address field set to another host: ignored, the source address is used.
    const packet = announceRequest({ connectionId: idB, tx: second, infoHash: HASH_A, peerId: peerId('-UB0001-'), left: 0n, event: 2, port: 6969, ip: 0x08080808 });
    const replyB = await b.request(Buffer.concat([packet, Buffer.from([0x2, 0x3, 0x2f, 0x61, 0x62, 0x1, 0x0])]), second); // + BEP 41 options
    assert.equal(replyB.length, 26);
    assert.equal(replyB.readUInt32BE(12), 1, 'leechers');
    assert.equal(replyB.readUInt32BE(16), 1, 'seeders');
    assert.deepEqual(replyB.subarray(20), Buffer.from([127, 0, 0, 1, 51413 >> 8, 51413 & 255]));
  });

  it('announce: numwant -1 is the default, a large numwant is capped, stopped leaves', async () => {
    const id = await connect(a);
    for (let i = 0; i < 5; i++) {
      const t = tx();
      await a.request(announceRequest({ connectionId: id, tx: t, infoHash: HASH_B, peerId: peerId(`-UN000${i}-`), port: 7000 + i }), t);
    }
    const big = tx();
    const capped = await a.request(announceRequest({ connectionId: id, tx: big, infoHash: HASH_B, peerId: peerId('-UN0000-'), numwant: 0x7fffffff, port: 7000 }), big);
    assert.equal(capped.length, 20 + 6 * 3, 'maxUdpPeers is 3 here');
    const none = tx();
    const zero = await a.request(announceRequest({ connectionId: id, tx: none, infoHash: HASH_B, peerId: peerId('-UN0000-'), numwant: 0, port: 7000 }), none);
    assert.equal(zero.length, 20);
    const stop = tx();
    const stopped = await a.request(announceRequest({ connectionId: id, tx: stop, infoHash: HASH_B, peerId: peerId('-UN0000-'), event: 3, port: 7000 }), stop);
    assert.equal(stopped.length, 20);
    assert.equal(stopped.readUInt32BE(12), 4, 'one leecher fewer');
  });

  it('scrape: 12 bytes per info_hash (seeders, completed, leechers), zeros for other torrents', async () => {
    const id = await connect(a);
    const t = tx();
    const reply = await a.request(scrapeRequest(id, t, [HASH_A, HASH_UNKNOWN]), t);
    assert.equal(reply.length, 8 + 12 * 2);
    assert.equal(reply.readUInt32BE(0), 2);
    assert.equal(reply.readUInt32BE(4), t);
    assert.deepEqual([reply.readUInt32BE(8), reply.readUInt32BE(12), reply.readUInt32BE(16)], [1, 0, 1]);
    assert.deepEqual(reply.subarray(20), Buffer.alloc(12));
    const only = tx();
    assert.match(errorText(await a.request(scrapeRequest(id, only, [HASH_UNKNOWN]), only), only), /unknown info_hash/);
  });

  it('errors: unknown torrent, bad or expired connection id, truncated packets, bad fields', async () => {
    const id = await connect(a);
    const cases: Array<[Buffer, number, RegExp]> = [];
    const add = (make: (t: number) => Buffer, reason: RegExp): void => {
      const t = tx();
      cases.push([make(t), t, reason]);
    };
    add((t) => announceRequest({ connectionId: id, tx: t, infoHash: HASH_UNKNOWN, peerId: peerId('x'), port: 1 }), /unknown info_hash/);
    add((t) => announceRequest({ connectionId: Buffer.alloc(8, 7), tx: t, infoHash: HASH_A, peerId: peerId('x'), port: 1 }), /connection id/);
    add((t) => announceRequest({ connectionId: id, tx: t, infoHash: HASH_A, peerId: peerId('x'), port: 1 }).subarray(0, 97), /98 bytes, got 97/);
    add((t) => announceRequest({ connectionId: id, tx: t, infoHash: HASH_A, peerId: peerId('x'), port: 0 }), /port/);
    add((t) => announceRequest({ connectionId: id, tx: t, infoHash: HASH_A, peerId: peerId('x'), port: 1, event: 9 }), /event/);
    add((t) => scrapeRequest(id, t, []), /at least one/);
    add((t) => scrapeRequest(id, t, Array.from({ length: 75 }, () => HASH_A)), /at most 74/);
    add((t) => {
      const packet = connectRequest(t);
      packet.writeUInt32BE(7, 8);
      return packet;
    }, /unknown action 7/);
    add((t) => connectRequest(t, 0x1234n), /protocol_id/);
    for (const [packet, t, reason] of cases) assert.match(errorText(await a.request(packet, t), t), reason);
  });

  it('drops packets too short to carry a transaction id, and goes on', async () => {
    a.send(Buffer.alloc(0));
    a.send(Buffer.from([0, 0, 4, 0x17, 0x27, 0x10, 0x19, 0x80, 0, 0, 0, 0]));
    a.send(Buffer.alloc(15, 0xff));
    const t = tx();
    const reply = await a.request(connectRequest(t), t);
    assert.equal(reply.length, 16);
    assert.deepEqual(a.unmatched, [], 'nothing answered the short packets (they came first)');
  });

  it('accepts a connection id for two minutes after it was sent, not longer', async () => {
    const id = await connect(a);
    const announceWith = async (connectionId: Buffer): Promise<Buffer> => {
      const t = tx();
      return a.request(announceRequest({ connectionId, tx: t, infoHash: HASH_A, peerId: peerId('-UT0001-'), port: 1234 }), t);
    };
    clock += 120_000;
    assert.equal((await announceWith(id)).readUInt32BE(0), 1);
    clock += 1_000;
    const expired = await announceWith(id);
    assert.match(expired.toString('utf8', 8), /expired/);
    assert.equal((await announceWith(await connect(a))).readUInt32BE(0), 1, 'a new connect works');
  });
});

describe('UDP tracker over IPv6 (BEP 15 IPv6 layout)', { timeout: 30_000 }, () => {
  it('answers a packet from an IPv6 address with 18-byte peers', async (context) => {
    const allowed = HASH_A.toString('hex');
    const tracker = createTracker({ allow: (hex) => hex === allowed, rateLimit: false });
    let udp: UdpTrackerHandle;
    try {
      udp = await tracker.listenUdp({ port: 0, host: '::1' });
    } catch {
      await tracker.close();
      return context.skip('no IPv6 loopback here');
    }
    const sockets = [dgram.createSocket('udp6'), dgram.createSocket('udp6')];
    try {
      const request = (socket: dgram.Socket, packet: Buffer): Promise<Buffer> =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no reply')), 3000);
          socket.once('message', (reply) => {
            clearTimeout(timer);
            resolve(reply);
          });
          socket.send(packet, udp.address().port, '::1');
        });
      const replies: Buffer[] = [];
      for (const [i, socket] of sockets.entries()) {
        await new Promise<void>((resolve) => socket.bind(0, '::1', resolve));
        const connected = await request(socket, connectRequest(100 + i));
        replies.push(await request(socket, announceRequest({ connectionId: connected.subarray(8, 16), tx: 200 + i, infoHash: HASH_A, peerId: peerId(`-V6000${i}-`), port: 6881 + i })));
      }
      assert.equal(replies[0].length, 20);
      assert.equal(replies[1].length, 20 + 18);
      assert.deepEqual(replies[1].subarray(20), Buffer.concat([Buffer.alloc(15), Buffer.from([1, 6881 >> 8, 6881 & 255])]));
    } finally {
      for (const socket of sockets) socket.close();
      await tracker.close();
    }
  });
});

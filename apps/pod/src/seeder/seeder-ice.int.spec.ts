import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitUntil } from '../../../../libs/testing/src/wait-until.js';
import { iceServersFor, iceServersForNodeDatachannel } from '../p2p/ice-servers.js';
import { Seeder } from './seeder.js';
import { downloadOverWebRtc, makeVideo, startTestTracker, type TestTracker, type TestVideo } from './seeder-test-support.js';

const MAGIC_COOKIE = 0x2112a442;

interface StunMessage {
  type: number;
  transaction: Buffer;
  attributes: Map<number, Buffer>;
}

function parseStun(packet: Buffer): StunMessage | null {
  if (packet.length < 20 || packet.readUInt32BE(4) !== MAGIC_COOKIE) return null;
  const attributes = new Map<number, Buffer>();
  for (let offset = 20; offset + 4 <= packet.length; ) {
    const type = packet.readUInt16BE(offset);
    const length = packet.readUInt16BE(offset + 2);
    attributes.set(type, packet.subarray(offset + 4, offset + 4 + length));
    offset += 4 + Math.ceil(length / 4) * 4;
  }
  return { type: packet.readUInt16BE(0), transaction: packet.subarray(8, 20), attributes };
}

function attribute(type: number, value: Buffer): Buffer {
  const padded = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4);
  padded.writeUInt16BE(type, 0);
  padded.writeUInt16BE(value.length, 2);
  value.copy(padded, 4);
  return padded;
}

/** A 401 to a TURN Allocate, with a realm and a nonce: what makes a client send its username. */
function unauthorized(request: StunMessage): Buffer {
  const body = Buffer.concat([
    attribute(0x0009, Buffer.concat([Buffer.from([0, 0, 4, 1]), Buffer.from('Unauthorized')])),
    attribute(0x0014, Buffer.from('swarm.test')),
    attribute(0x0015, Buffer.from('0123456789abcdef')),
  ]);
  const header = Buffer.alloc(20);
  header.writeUInt16BE(0x0113, 0);
  header.writeUInt16BE(body.length, 2);
  header.writeUInt32BE(MAGIC_COOKIE, 4);
  request.transaction.copy(header, 8);
  return Buffer.concat([header, body]);
}

/**
 * The seeder's WebRTC uses the pod's ICE servers: a UDP server on loopback plays STUN and
 * TURN far enough to see libjuice (node-datachannel) send it a Binding request and a TURN
 * Allocate carrying the minted username, percent-decoded back to `<expiry>:seeder`.
 */
describe('the seeder\'s ICE servers', () => {
  let tracker: TestTracker;
  let work: string;
  let seeder: Seeder;
  let video: TestVideo;
  let server: Socket;
  const seen: Array<{ type: number; username: string | null }> = [];

  before(async () => {
    server = createSocket('udp4');
    server.on('message', (packet, from) => {
      const message = parseStun(packet);
      if (!message) return;
      const username = message.attributes.get(0x0006)?.toString('utf8') ?? null;
      seen.push({ type: message.type, username });
      if (message.type === 0x0003 && username === null) server.send(unauthorized(message), from.port, from.address);
    });
    server.bind(0, '127.0.0.1');
    await once(server, 'listening');
    tracker = await startTestTracker({ rateLimit: false });
    work = mkdtempSync(join(tmpdir(), 'swarmtube-seeder-ice-'));
    mkdirSync(join(work, 'videos'));
    video = await makeVideo(join(work, 'videos'), 'video.mp4', 256 * 1024, [tracker.announce.ws]);
    tracker.allow(video.infoHash);
  });

  after(async () => {
    await seeder?.close();
    await tracker?.close();
    server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('asks the STUN server and allocates on the TURN server with the minted username', { timeout: 90_000 }, async () => {
    const port = server.address().port;
    const expiry = Math.floor(Date.now() / 1000) + 3600;
    const ice = { stunUrls: [`stun:127.0.0.1:${port}`], turnUrls: [`turn:127.0.0.1:${port}?transport=udp`], turnSecret: 'a-secret-shared-with-coturn', credentialTtlSeconds: 3600 };
    seeder = await Seeder.start({ peerPort: 0, iceServers: () => iceServersForNodeDatachannel(iceServersFor(ice, 'seeder', expiry)), logger: { log: () => undefined, warn: () => undefined, error: () => undefined } });
    await seeder.seed(video);
    // A viewer's offer makes the seeder gather its candidates; the download itself may or may not finish.
    const download = downloadOverWebRtc(video.torrentFile, tracker.announce.ws, join(work, 'leech'), 60_000).catch((error: Error) => error);
    await waitUntil('a STUN Binding request and an authenticated TURN Allocate', () => seen.some((m) => m.type === 0x0001) && seen.some((m) => m.type === 0x0003 && m.username !== null), 60_000, 100);
    assert.deepEqual([...new Set(seen.filter((m) => m.username !== null).map((m) => m.username))], [`${expiry}:seeder`]);
    await download;
  });
});

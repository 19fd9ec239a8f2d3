import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import WebSocket from 'ws';
import { waitUntil } from '../../testing/src/wait-until.js';
import { bdecode, type Decoded } from './bencode.js';
import { TrackerCore } from './core.js';
import { DEFAULT_QUERY_LIMITS, parseAnnounceQuery, parseScrapeQuery } from './http-query.js';
import { HASH_A, HASH_B, HASH_UNKNOWN, startHttpTracker, type HttpTracker } from './test-support.js';
import { ACTION_ANNOUNCE, ACTION_CONNECT, ACTION_ERROR, ACTION_SCRAPE, PROTOCOL_ID, UdpProtocol } from './udp.js';

/**
 * Every entry point of the tracker fed generated input: HTTP query strings (announce,
 * scrape), UDP packets (connect, announce, scrape, garbage, truncated, wrong connection ids)
 * and WebSocket messages (JSON or not, huge, nested, wrong types, binary and broken frames).
 * Half of each is a valid input mutated, half random. Most go to the parsing function that is
 * the entry point (parseAnnounceQuery, parseScrapeQuery, UdpProtocol.handle); a share goes
 * through real sockets. Asserted: no crash, every answer well-formed (a failure reason is
 * one), a clean close for frames that break the protocol, and memory bounded: after the
 * peers' time to live nothing is left in the swarms, and the heap is back near where it was.
 *
 * Seeded: FUZZ_SEED=<n> replays a run; FUZZ_SCALE=<x> multiplies the counts.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed7ac);
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const count = (n: number): number => Math.max(1, Math.round(n * SCALE));

/** mulberry32: small, fast, and the same sequence for a seed on every machine. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  const bytes = (n: number): Buffer => {
    const out = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i += 4) {
      const word = next() * 4294967296;
      for (let k = 0; k < 4 && i + k < n; k++) out[i + k] = (word >>> (8 * k)) & 0xff;
    }
    return out;
  };
  /** A length that is usually small and sometimes near or past the limits. */
  const size = (max: number): number => (next() < 0.8 ? int(64) : next() < 0.7 ? int(max) : max + int(max));
  return { next, int, pick, bytes, size };
}
type Rng = ReturnType<typeof prng>;

/** Byte-level mutations of a valid input: flips, cuts, splices, repeats, random bytes. */
function mutate(rng: Rng, input: Buffer): Buffer {
  let out = Buffer.from(input);
  const rounds = 1 + rng.int(4);
  for (let r = 0; r < rounds; r++) {
    const at = out.length === 0 ? 0 : rng.int(out.length);
    switch (rng.int(7)) {
      case 0:
        if (out.length > 0) out[at] ^= 1 << rng.int(8);
        break;
      case 1:
        if (out.length > 0) out[at] = rng.int(256);
        break;
      case 2:
        out = out.subarray(0, at);
        break;
      case 3:
        out = Buffer.concat([out.subarray(0, at), rng.bytes(1 + rng.int(8)), out.subarray(at)]);
        break;
      case 4:
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + 1 + rng.int(8))]);
        break;
      case 5:
        out = Buffer.concat([out, out.subarray(at, at + 1 + rng.int(32))]);
        break;
      default:
        out = Buffer.concat([out.subarray(0, at), Buffer.from(rng.pick(['%', '%%', '%zz', '&', '=', '&&', '+', '%00', '\u00ff', '?', '%GG'])), out.subarray(at)]);
    }
  }
  return out;
}

/** %XX for every byte (test-support's percent, with a table: it runs a million times here). */
const HEX = Array.from({ length: 256 }, (_, b) => `%${b.toString(16).padStart(2, '0')}`);
function percent(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += HEX[b];
  return out;
}

const ALLOWED = [HASH_A, HASH_B];
const hashOf = (rng: Rng): Buffer => (rng.next() < 0.85 ? rng.pick(ALLOWED) : rng.next() < 0.5 ? HASH_UNKNOWN : rng.bytes(rng.pick([19, 20, 20, 21])));
/** Peer ids from a small pool, so swarms fill and relays happen; sometimes anything. */
const peerIdOf = (rng: Rng): Buffer => (rng.next() < 0.9 ? Buffer.concat([Buffer.from('-FZ0001-'), Buffer.alloc(11), Buffer.from([rng.int(64)])]) : rng.bytes(rng.pick([0, 19, 20, 21, 40])));

// ---------------------------------------------------------------- HTTP query strings

const PARAMS = ['info_hash', 'peer_id', 'port', 'uploaded', 'downloaded', 'left', 'event', 'numwant', 'compact', 'no_peer_id', 'key', 'ip', 'trackerid', 'corrupt'];

function announceQuery(rng: Rng): string {
  const fields: string[] = [
    `info_hash=${percent(hashOf(rng))}`,
    `peer_id=${percent(peerIdOf(rng))}`,
    `port=${rng.pick(['6881', '1', '65535', '0', '65536', '-1', '', 'x', '1e3', ' 80', String(rng.int(70000))])}`,
    `uploaded=${rng.pick(['0', '123', '-5', '99999999999999999999', 'abc'])}`,
    `downloaded=${rng.pick(['0', '77', '1.5'])}`,
    `left=${rng.pick(['0', '1000', '', '-1', '18446744073709551616'])}`,
  ];
  if (rng.next() < 0.5) fields.push(`event=${rng.pick(['started', 'completed', 'stopped', 'empty', 'paused', '', 'STARTED'])}`);
  if (rng.next() < 0.5) fields.push(`numwant=${rng.pick(['0', '50', '200', '201', '-1', '1000000', 'all'])}`);
  if (rng.next() < 0.3) fields.push(`compact=${rng.pick(['0', '1', '2'])}`);
  if (rng.next() < 0.2) fields.push(`no_peer_id=1`);
  if (rng.next() < 0.1) fields.push(`${rng.pick(PARAMS)}=${percent(rng.bytes(rng.int(30)))}`);
  for (let i = fields.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [fields[i], fields[j]] = [fields[j], fields[i]];
  }
  if (rng.next() < 0.1) fields.splice(rng.int(fields.length), 1);
  return fields.join('&');
}

function scrapeQuery(rng: Rng): string {
  const n = rng.next() < 0.9 ? 1 + rng.int(4) : rng.pick([0, 99, 100, 101, 300]);
  const fields: string[] = [];
  for (let i = 0; i < n; i++) fields.push(`info_hash=${percent(hashOf(rng))}`);
  if (rng.next() < 0.2) fields.push(`${rng.pick(PARAMS)}=${percent(rng.bytes(rng.int(10)))}`);
  return fields.join('&');
}

function randomQuery(rng: Rng): string {
  // Random bytes as Node gives a request line: latin1, one char per byte.
  if (rng.next() < 0.5) return rng.bytes(rng.size(DEFAULT_QUERY_LIMITS.maxQueryLength)).toString('latin1');
  const parts: string[] = [];
  const n = rng.int(12);
  for (let i = 0; i < n; i++) parts.push(`${rng.pick(PARAMS)}=${rng.next() < 0.5 ? percent(rng.bytes(rng.int(25))) : rng.bytes(rng.int(25)).toString('latin1')}`);
  return parts.join(rng.pick(['&', '&&', ';', '']));
}

function httpQuery(rng: Rng, kind: 'announce' | 'scrape'): string {
  const valid = kind === 'announce' ? announceQuery(rng) : scrapeQuery(rng);
  const roll = rng.next();
  if (roll < 0.4) return valid;
  if (roll < 0.8) return mutate(rng, Buffer.from(valid, 'latin1')).toString('latin1');
  return randomQuery(rng);
}

/** A parse result is a request with sane fields, or a failure with a known code and a reason. */
function checkParsed(result: ReturnType<typeof parseAnnounceQuery> | ReturnType<typeof parseScrapeQuery>, query: string): void {
  if (!result.ok) {
    assert.equal(typeof result.code, 'string', query);
    assert.ok(result.reason.length > 0 && result.reason.length < 200, query);
    return;
  }
  if ('infoHashHex' in result) {
    assert.match(result.infoHashHex, /^[0-9a-f]{40}$/, query);
    assert.equal(result.peerId.length, 20, query);
    assert.ok(Number.isInteger(result.port) && result.port >= 0 && result.port <= 65535, query);
    assert.ok(Number.isInteger(result.numwant) && result.numwant >= 0 && result.numwant <= DEFAULT_QUERY_LIMITS.maxNumwant, query);
  } else {
    assert.ok(result.infoHashesHex.length >= 1 && result.infoHashesHex.length <= DEFAULT_QUERY_LIMITS.maxScrapeHashes, query);
    for (const hex of result.infoHashesHex) assert.match(hex, /^[0-9a-f]{40}$/, query);
  }
}

/** Every HTTP answer of the tracker is a bencoded dictionary: a failure reason, or the figures. */
function checkHttpAnswer(status: number, body: Buffer, kind: 'announce' | 'scrape', path: string): void {
  assert.equal(status, 200, path);
  const decoded = bdecode(body);
  assert.ok(decoded.ok, `not bencoded: ${path}`);
  const dict = decoded.value as Map<string, Decoded>;
  assert.ok(dict instanceof Map, path);
  if (dict.has('failure reason')) return;
  if (kind === 'announce') for (const key of ['interval', 'complete', 'incomplete', 'peers']) assert.ok(dict.has(key), `${key} missing: ${path}`);
  else assert.ok(dict.get('files') instanceof Map, path);
}

/** Node's HTTP client refuses raw control characters in a path: what it cannot send is escaped. */
const sendable = (query: string): string => query.replace(/[^\x21-\x7e]|#/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

function get(agent: http.Agent, port: number, path: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout: ${path}`)));
    req.end();
  });
}

// ---------------------------------------------------------------- UDP packets

function connectPacket(rng: Rng, tx: number): Buffer {
  const packet = Buffer.alloc(16);
  packet.writeBigUInt64BE(rng.next() < 0.9 ? PROTOCOL_ID : BigInt.asUintN(64, BigInt(rng.int(2 ** 31)) << 20n));
  packet.writeUInt32BE(ACTION_CONNECT, 8);
  packet.writeUInt32BE(tx, 12);
  return packet;
}

function announcePacket(rng: Rng, connectionId: Buffer, tx: number): Buffer {
  const packet = Buffer.alloc(98 + (rng.next() < 0.1 ? rng.int(40) : 0));
  (rng.next() < 0.85 ? connectionId : rng.bytes(8)).copy(packet, 0);
  packet.writeUInt32BE(ACTION_ANNOUNCE, 8);
  packet.writeUInt32BE(tx, 12);
  hashOf(rng).copy(packet, 16, 0, 20);
  peerIdOf(rng).copy(packet, 36, 0, 20);
  packet.writeBigUInt64BE(BigInt(rng.int(2 ** 31)), 56);
  packet.writeBigUInt64BE(rng.next() < 0.5 ? 0n : BigInt(rng.int(2 ** 31)), 64);
  packet.writeUInt32BE(rng.pick([0, 1, 2, 3, 4, 0xffffffff]), 80);
  packet.writeInt32BE(rng.pick([-1, 0, 10, 50, 200, 201, 2 ** 31 - 1]), 92);
  packet.writeUInt16BE(rng.pick([6881, 0, 1, 65535]), 96);
  return packet;
}

function scrapePacket(rng: Rng, connectionId: Buffer, tx: number): Buffer {
  const n = rng.next() < 0.9 ? 1 + rng.int(5) : rng.pick([0, 74, 75, 100]);
  const packet = Buffer.alloc(16 + 20 * n);
  (rng.next() < 0.85 ? connectionId : rng.bytes(8)).copy(packet, 0);
  packet.writeUInt32BE(ACTION_SCRAPE, 8);
  packet.writeUInt32BE(tx, 12);
  for (let i = 0; i < n; i++) hashOf(rng).copy(packet, 16 + 20 * i, 0, 20);
  return packet;
}

function udpPacket(rng: Rng, connectionId: Buffer): Buffer {
  const tx = rng.int(2 ** 32);
  const kind = rng.int(3);
  const valid = kind === 0 ? connectPacket(rng, tx) : kind === 1 ? announcePacket(rng, connectionId, tx) : scrapePacket(rng, connectionId, tx);
  const roll = rng.next();
  if (roll < 0.4) return valid;
  if (roll < 0.6) return valid.subarray(0, rng.int(valid.length)); // truncated
  if (roll < 0.85) return mutate(rng, valid);
  return rng.bytes(rng.size(1500));
}

/** A reply is null (too short to answer), or a packet of the action's size with the transaction id echoed. */
function checkUdpReply(packet: Buffer, reply: Buffer | null): void {
  const hex = packet.toString('hex');
  if (reply === null) {
    assert.ok(packet.length < 16, `only packets without a transaction id go unanswered: ${hex}`);
    return;
  }
  assert.ok(reply.length >= 8, hex);
  assert.equal(reply.readUInt32BE(4), packet.readUInt32BE(12), `transaction id echoed: ${hex}`);
  const action = reply.readUInt32BE(0);
  if (action === ACTION_ERROR) {
    assert.ok(reply.length > 8 && reply.length < 200, hex);
    return;
  }
  assert.equal(action, packet.readUInt32BE(8), hex);
  if (action === ACTION_CONNECT) assert.equal(reply.length, 16, hex);
  else if (action === ACTION_ANNOUNCE) assert.ok(reply.length >= 20 && (reply.length - 20) % 6 === 0 && reply.length <= 20 + 6 * 200, hex);
  else if (action === ACTION_SCRAPE) assert.equal(reply.length, 8 + 12 * Math.floor((packet.length - 16) / 20), hex);
  else assert.fail(`unknown action ${action}: ${hex}`);
}

// ---------------------------------------------------------------- WebSocket messages

const bin = (bytes: Buffer): string => bytes.toString('latin1');

function oddValue(rng: Rng, depth = 0): unknown {
  switch (rng.int(depth > 2 ? 8 : 10)) {
    case 0:
      return null;
    case 1:
      return rng.next() < 0.5;
    case 2:
      return rng.pick([0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, Number.MAX_SAFE_INTEGER]);
    case 3:
      return '';
    case 4:
      return bin(rng.bytes(rng.pick([1, 19, 20, 21, 64, 65])));
    case 5:
      return 'x'.repeat(rng.size(2000));
    case 6:
      return String.fromCharCode(...Array.from({ length: 20 }, () => rng.int(0x10000)));
    case 7:
      return rng.pick(['announce', 'scrape', 'started', 'stopped', 'completed', 'update']);
    case 8:
      return Array.from({ length: rng.int(5) }, () => oddValue(rng, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: rng.int(5) }, () => [rng.pick(['offer', 'offer_id', 'sdp', 'type', 'action', '__proto__', 'constructor']), oddValue(rng, depth + 1)]));
  }
}

function wsMessage(rng: Rng): Record<string, unknown> {
  const infoHash = bin(hashOf(rng));
  const peer = bin(peerIdOf(rng));
  switch (rng.int(5)) {
    case 0:
      return { action: 'scrape', info_hash: rng.next() < 0.5 ? infoHash : Array.from({ length: rng.pick([0, 1, 2, 100, 101]) }, () => bin(hashOf(rng))) };
    case 1:
      return { action: 'announce', info_hash: infoHash, peer_id: peer, to_peer_id: bin(peerIdOf(rng)), answer: { type: 'answer', sdp: 'v=0\r\n' }, offer_id: bin(rng.bytes(20)) };
    default: {
      const offers = Array.from({ length: rng.pick([0, 1, 5, 10, 30]) }, () => ({ offer: { type: 'offer', sdp: `v=0\r\n${'a=candidate\r\n'.repeat(rng.int(20))}` }, offer_id: bin(rng.bytes(20)) }));
      return { action: 'announce', info_hash: infoHash, peer_id: peer, left: rng.pick([0, 1000, -1, '5']), event: rng.pick([undefined, 'started', 'completed', 'stopped', 'update', 'paused']), numwant: offers.length, offers, uploaded: 0, downloaded: 0 };
    }
  }
}

type WsInput = { kind: 'text'; data: string } | { kind: 'binary'; data: Buffer } | { kind: 'invalid-utf8'; data: Buffer };

function wsInput(rng: Rng): WsInput {
  const valid = wsMessage(rng);
  const roll = rng.next();
  if (roll < 0.35) return { kind: 'text', data: JSON.stringify(valid) };
  if (roll < 0.55) {
    // The same message with fields dropped, swapped for odd values, or added.
    const changed: Record<string, unknown> = { ...valid };
    const keys = Object.keys(changed);
    for (let i = 1 + rng.int(3); i > 0; i--) {
      const key = rng.next() < 0.8 ? rng.pick(keys) : rng.pick(['action', 'info_hash', 'peer_id', 'offers', 'answer', 'to_peer_id', 'offer_id', 'event', 'left']);
      if (rng.next() < 0.3) delete changed[key];
      else changed[key] = oddValue(rng);
    }
    return { kind: 'text', data: JSON.stringify(changed) };
  }
  if (roll < 0.7) return { kind: 'text', data: mutate(rng, Buffer.from(JSON.stringify(valid))).toString('utf8') };
  if (roll < 0.78) return { kind: 'text', data: JSON.stringify(oddValue(rng)) };
  if (roll < 0.84) {
    const depth = rng.pick([10, 1000, 20_000]);
    const open = rng.next() < 0.5 ? '[' : '{"a":';
    return { kind: 'text', data: open.repeat(depth) + '1' + (open === '[' ? ']' : '}').repeat(rng.next() < 0.8 ? depth : rng.int(depth)) };
  }
  if (roll < 0.9) return { kind: 'binary', data: rng.next() < 0.5 ? Buffer.from(JSON.stringify(valid)) : rng.bytes(rng.size(4000)) };
  if (roll < 0.94) return { kind: 'text', data: rng.bytes(rng.size(2000)).toString('latin1') };
  if (roll < 0.97) return { kind: 'invalid-utf8', data: Buffer.from([0x7b, 0xc3, 0x28, 0xff, 0xfe, 0x7d]) };
  // Past the payload limit: 64 KiB.
  return { kind: 'text', data: JSON.stringify({ ...valid, pad: 'p'.repeat(64 * 1024) }) };
}

/** A client of the ws package that checks every message it gets. */
class FuzzPeer {
  received = 0;
  closeCode: number | null = null;
  private readonly pongs = new Set<string>();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      assert.equal(isBinary, false, 'the tracker sends text');
      const message = JSON.parse(String(data)) as Record<string, unknown>;
      assert.ok(message !== null && typeof message === 'object' && !Array.isArray(message), String(data));
      if (typeof message['failure reason'] === 'string') return void this.received++;
      assert.ok(message.action === 'announce' || message.action === 'scrape', String(data).slice(0, 200));
      if (message.action === 'scrape') assert.equal(typeof message.files, 'object');
      else assert.equal(typeof message.info_hash, 'string');
      this.received++;
    });
    socket.on('pong', (data) => this.pongs.add(String(data)));
    socket.on('close', (code) => (this.closeCode = code));
    socket.on('error', () => undefined);
  }

  static async open(port: number): Promise<FuzzPeer> {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/tracker/socket`, { perMessageDeflate: false, maxPayload: 1 << 20 });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new FuzzPeer(socket);
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Resolves when the tracker has read everything sent before (its pong follows its answers). */
  async barrier(tag: string): Promise<void> {
    this.socket.ping(tag);
    await waitUntil(`the pong ${tag}`, () => this.pongs.delete(tag) || this.closeCode !== null, 20_000, 20);
  }
}

/** A handshake by hand, then bytes no client library would send. */
async function rawFrames(port: number, bytes: Buffer): Promise<{ closeCode: number | null }> {
  const socket = net.connect(port, '127.0.0.1');
  const received: Buffer[] = [];
  socket.on('data', (chunk) => received.push(chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.write('GET /tracker/socket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
  await waitUntil('the handshake', () => Buffer.concat(received).includes('\r\n\r\n'), 10_000, 10);
  socket.write(bytes);
  socket.end();
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 15_000).unref())]);
  assert.ok(socket.destroyed, 'the tracker let go of the connection');
  const all = Buffer.concat(received);
  assert.match(all.toString('latin1'), /^HTTP\/1\.1 101 /);
  return { closeCode: closeCodeOf(all.subarray(all.indexOf('\r\n\r\n') + 4)) };
}

/** Walks the server's frames (unmasked) to the close frame: its code, or null when there is none. */
function closeCodeOf(bytes: Buffer): number | null {
  let at = 0;
  while (at + 2 <= bytes.length) {
    const opcode = bytes[at] & 0x0f;
    let length = bytes[at + 1] & 0x7f;
    let head = 2;
    if (length === 126) {
      if (at + 4 > bytes.length) return null;
      length = bytes.readUInt16BE(at + 2);
      head = 4;
    } else if (length === 127) {
      if (at + 10 > bytes.length) return null;
      length = Number(bytes.readBigUInt64BE(at + 2));
      head = 10;
    }
    if (opcode === 0x8) return length >= 2 && at + head + 2 <= bytes.length ? bytes.readUInt16BE(at + head) : null;
    at += head + length;
  }
  return null;
}

function randomFrames(rng: Rng): Buffer {
  const frames: Buffer[] = [];
  for (let i = 1 + rng.int(4); i > 0; i--) {
    const payload = rng.bytes(rng.size(300));
    const masked = rng.next() < 0.8;
    const opcode = rng.pick([0x0, 0x1, 0x2, 0x8, 0x9, 0xa, 0x3, 0xb, 0xf]);
    const first = (rng.next() < 0.8 ? 0x80 : 0) | (rng.next() < 0.1 ? 0x40 : 0) | opcode;
    const lengthForm = rng.int(4);
    let head: Buffer;
    if (lengthForm === 0 && payload.length < 126) head = Buffer.from([first, payload.length]);
    else if (lengthForm === 1) head = Buffer.from([first, 126, payload.length >> 8, payload.length & 0xff]);
    else if (lengthForm === 2) {
      head = Buffer.alloc(10);
      head[0] = first;
      head[1] = 127;
      head.writeBigUInt64BE(rng.next() < 0.5 ? BigInt(payload.length) : BigInt.asUintN(64, BigInt(rng.int(2 ** 31)) << BigInt(rng.int(33))), 2);
    } else head = Buffer.from([first, rng.int(128)]);
    if (masked) head[1] |= 0x80;
    frames.push(head, masked ? rng.bytes(4) : Buffer.alloc(0), payload);
  }
  const all = Buffer.concat(frames);
  return rng.next() < 0.3 ? mutate(rng, all) : all;
}

// ---------------------------------------------------------------- the runs

const gc: () => void = (() => {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
})();

describe(`tracker fuzzing (seed ${SEED}, FUZZ_SEED to replay)`, { timeout: 120_000 }, () => {
  let clock = Date.now();
  let t: HttpTracker;
  let heapBefore = 0;
  const totals = { httpParsed: 0, httpSent: 0, udpHandled: 0, udpSent: 0, wsSent: 0, wsRawConnections: 0 };

  before(async () => {
    t = await startHttpTracker({ rateLimit: false, maxWsConnectionsPerAddress: 64, now: () => clock });
    gc();
    heapBefore = process.memoryUsage().heapUsed;
  });
  after(() => t.close());

  it('HTTP: announce and scrape query strings, to the parser and through the server', async () => {
    const rng = prng(SEED);
    for (let i = 0; i < count(120_000); i++) {
      const query = httpQuery(rng, 'announce');
      checkParsed(parseAnnounceQuery(`/tracker/announce?${query}`), query);
    }
    for (let i = 0; i < count(50_000); i++) {
      const query = httpQuery(rng, 'scrape');
      checkParsed(parseScrapeQuery(`/tracker/scrape?${query}`), query);
    }
    totals.httpParsed = count(120_000) + count(50_000);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    try {
      const n = count(1_000);
      for (let i = 0; i < n; i += 50) {
        await Promise.all(
          Array.from({ length: Math.min(50, n - i) }, async () => {
            const kind = rng.next() < 0.7 ? 'announce' : 'scrape';
            const path = `/tracker/${kind}?${sendable(httpQuery(rng, kind)).slice(0, 7000)}`;
            const { status, body } = await get(agent, t.port, path);
            checkHttpAnswer(status, body, kind, path);
          }),
        );
      }
      totals.httpSent = n;
    } finally {
      agent.destroy();
    }
    assert.ok(t.tracker.stats().announces.http > 0, 'some announces were valid');
  });

  it('UDP: connect, announce, scrape, garbage, truncated, wrong connection ids; to the handler and through a socket', async () => {
    const rng = prng(SEED + 1);
    const core = new TrackerCore({ allow: (hex) => hex === HASH_A.toString('hex') || hex === HASH_B.toString('hex'), rateLimit: false, now: () => clock });
    const udp = new UdpProtocol(core);
    const address = '127.0.0.1';
    const connect = udp.handle(connectPacket(prng(1), 7), address).reply!;
    const connectionId = connect.subarray(8, 16);
    for (let i = 0; i < count(100_000); i++) {
      const packet = udpPacket(rng, connectionId);
      checkUdpReply(packet, udp.handle(packet, rng.next() < 0.95 ? address : '::1').reply);
    }
    totals.udpHandled = count(100_000);
    assert.ok(core.stats.announces.udp > 0 && core.stats.scrapes.udp > 0, 'some packets were valid');
    assert.ok(core.registry.stats().swarms <= 2, 'swarms only for the torrents allowed');

    // Through a real socket: every packet with a transaction id gets its answer.
    const handle = await t.tracker.listenUdp({ port: 0, host: '127.0.0.1' });
    const client = dgram.createSocket('udp4');
    try {
      const replies = new Map<number, Buffer>();
      client.on('message', (msg) => msg.length >= 8 && replies.set(msg.readUInt32BE(4), msg));
      await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve));
      const port = handle.address().port;
      client.send(connectPacket(prng(2), 1), port, '127.0.0.1');
      const id = (await waitUntil('a connection id', () => replies.get(1), 10_000, 10)).subarray(8, 16);
      const n = count(6_000);
      for (let i = 0; i < n; i += 200) {
        const sent: Buffer[] = [];
        for (let j = 0; j < Math.min(200, n - i); j++) {
          const packet = udpPacket(rng, id);
          // Unique transaction ids, so each answer is matched to its packet.
          if (packet.length >= 16) packet.writeUInt32BE(0x10000 + i + j, 12);
          sent.push(packet);
          client.send(packet, port, '127.0.0.1');
        }
        const expected = sent.filter((p) => p.length >= 16);
        await waitUntil('answers to the batch', () => expected.every((p) => replies.has(p.readUInt32BE(12))), 20_000, 10);
        for (const packet of expected) checkUdpReply(packet, replies.get(packet.readUInt32BE(12))!);
        replies.clear();
      }
      totals.udpSent = n;
    } finally {
      client.close();
      await handle.close();
    }
  });

  it('WebSocket: messages of every shape through real connections, and broken frames', async () => {
    const rng = prng(SEED + 2);
    const peers: FuzzPeer[] = await Promise.all([0, 1, 2, 3].map(() => FuzzPeer.open(t.port)));
    let closes = 0;
    const n = count(20_000);
    for (let i = 0; i < n; i += 250) {
      for (let j = 0; j < Math.min(250, n - i); j++) {
        const index = rng.int(peers.length);
        if (!peers[index].open) {
          const code = peers[index].closeCode;
          if (code !== null) {
            assert.ok([1002, 1007, 1008, 1009].includes(code), `closed with ${code}`);
            closes++;
          }
          peers[index] = await FuzzPeer.open(t.port);
        }
        const input = wsInput(rng);
        if (input.kind === 'text') peers[index].socket.send(input.data);
        else peers[index].socket.send(input.data, { binary: input.kind === 'binary' });
      }
      await Promise.all(peers.map((peer, k) => (peer.open ? peer.barrier(`${i}/${k}`) : undefined)));
    }
    totals.wsSent = n;
    assert.ok(peers.every((peer) => peer.received > 0 || !peer.open), 'the tracker answered');
    assert.ok(closes > 0, 'the oversized and invalid UTF-8 messages closed connections');
    assert.ok(t.tracker.stats().announces.ws > 0 && t.tracker.stats().wsOffersRelayed > 0, 'some messages were valid');
    for (const peer of peers) peer.socket.close();

    const m = count(300);
    for (let i = 0; i < m; i += 20) {
      const outcomes = await Promise.all(Array.from({ length: Math.min(20, m - i) }, () => rawFrames(t.port, randomFrames(rng))));
      for (const { closeCode } of outcomes) assert.ok(closeCode === null || [1000, 1002, 1007, 1008, 1009].includes(closeCode), `closed with ${closeCode}`);
    }
    totals.wsRawConnections = m;
    await waitUntil('every connection released', () => t.tracker.stats().wsConnections === 0, 20_000);

    // Still serving after all that.
    const peer = await FuzzPeer.open(t.port);
    const answered = new Promise<Record<string, unknown>>((resolve) => peer.socket.once('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>)));
    peer.socket.send(JSON.stringify({ action: 'scrape', info_hash: bin(HASH_A) }));
    assert.equal((await answered).action, 'scrape');
    peer.socket.close();
    await waitUntil('the last connection released', () => t.tracker.stats().wsConnections === 0, 20_000);
  });

  it('memory stays bounded: nothing left once the peers expire, the heap back near its start', () => {
    const total = Object.values(totals).reduce((a, b) => a + b, 0);
    assert.ok(total >= 250_000 * Math.min(1, SCALE), `${total} inputs`);
    const during = t.tracker.stats();
    assert.ok(during.swarms <= 2, `${during.swarms} swarms: only the torrents allowed`);
    const announces = during.announces.http + during.announces.udp + during.announces.ws;
    assert.ok(during.seeders + during.leechers <= announces, `${during.seeders + during.leechers} peers for ${announces} announces`);
    clock += 3600 * 1000;
    t.tracker.sweep();
    const swept = t.tracker.stats();
    assert.deepEqual([swept.swarms, swept.seeders, swept.leechers, swept.wsPeers, swept.wsConnections], [0, 0, 0, 0, 0]);
    gc();
    const grown = process.memoryUsage().heapUsed - heapBefore;
    assert.ok(grown < 32 * 1024 * 1024, `heap grew by ${Math.round(grown / 1024)} KiB`);
    console.log(`fuzz: ${total} inputs ${JSON.stringify(totals)}; heap ${grown >= 0 ? '+' : ''}${Math.round(grown / 1024)} KiB`);
  });
});

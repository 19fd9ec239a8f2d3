import { createHmac, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import type { TrackerCore } from './core.js';
import { failure, RATE_LIMITED, UNKNOWN_TORRENT, type TrackerFailure } from './failures.js';
import { writeCompactPeer } from './ip.js';
import { EVENT_STOPPED, type AnnounceEvent } from './swarm.js';

/**
 * BEP 15 over one dgram socket: connect, announce, scrape, error. Every value is big-endian.
 *
 * Connection ids are stateless (a SYN-cookie): 4 bytes of issue time (seconds) and 4 bytes
 * of an HMAC of the client's address and that time under a secret drawn at start. So a
 * client that spoofs its source never learns a valid id, the tracker stores nothing per
 * client, and an id is accepted for two minutes after it was sent, as BEP 15 asks.
 */

export const PROTOCOL_ID = 0x41727101980n;
export const ACTION_CONNECT = 0;
export const ACTION_ANNOUNCE = 1;
export const ACTION_SCRAPE = 2;
export const ACTION_ERROR = 3;
export const CONNECTION_ID_LIFETIME_SECONDS = 120;
/** BEP 15: "up to about 74 torrents can be scraped at once". */
export const MAX_UDP_SCRAPE_HASHES = 74;

export type UdpOutcome = { readonly ok: true; readonly action: number } | TrackerFailure | { readonly ok: false; readonly code: 'dropped' };

export interface UdpTrackerHandle {
  readonly socket: dgram.Socket;
  address(): { address: string; port: number; family: string };
  close(): Promise<void>;
}

const ADDRESS = Buffer.alloc(18);

export class UdpProtocol {
  private readonly secret = randomBytes(32);

  constructor(private readonly core: TrackerCore<any>) {}

  /**
   * Answers one datagram: returns the reply to send (null: none) and what happened.
   * Separate from the socket so tests can check packets byte by byte.
   */
  handle(msg: Buffer, address: string): { reply: Buffer | null; outcome: UdpOutcome } {
    // Below 16 bytes there is no transaction id to echo; answering such packets would
    // only make the tracker a reflector.
    if (msg.length < 16) return { reply: null, outcome: DROPPED };
    const action = msg.readUInt32BE(8);
    const transactionId = msg.readUInt32BE(12);
    const nowMs = this.core.now();
    if (!this.core.admit(address, nowMs)) return this.error(transactionId, RATE_LIMITED, false);
    const now = Math.floor(nowMs / 1000);
    if (action === ACTION_CONNECT) {
      if (msg.readBigUInt64BE(0) !== PROTOCOL_ID) return this.error(transactionId, failure('invalidProtocolId', 'connect needs protocol_id 0x41727101980'));
      const reply = Buffer.allocUnsafe(16);
      reply.writeUInt32BE(ACTION_CONNECT, 0);
      reply.writeUInt32BE(transactionId, 4);
      this.writeConnectionId(reply, 8, address, now);
      this.core.stats.udpConnects++;
      return { reply, outcome: { ok: true, action } };
    }
    if (action !== ACTION_ANNOUNCE && action !== ACTION_SCRAPE) {
      return this.error(transactionId, failure('invalidAction', `unknown action ${action}`));
    }
    if (!this.connectionIdValid(msg, address, now)) {
      return this.error(transactionId, failure('invalidConnectionId', 'connection id unknown or expired: connect again'));
    }
    if (action === ACTION_SCRAPE) return this.scrape(msg, transactionId);
    const answer = this.announce(msg, address, transactionId, now);
    if (!answer.outcome.ok) this.core.stats.announcesRefused.udp++;
    return answer;
  }

  private announce(msg: Buffer, address: string, transactionId: number, now: number): { reply: Buffer | null; outcome: UdpOutcome } {
    // 98 bytes; anything after (BEP 41 options) is allowed and not needed here.
    if (msg.length < 98) return this.error(transactionId, failure('truncatedPacket', `announce needs 98 bytes, got ${msg.length}`));
    const event = msg.readUInt32BE(80);
    if (event > 3) return this.error(transactionId, failure('invalidEvent', `unknown event ${event}`));
    const port = msg.readUInt16BE(96);
    if (port === 0) return this.error(transactionId, failure('invalidPort', 'port must be from 1 to 65535'));
    const infoHashHex = msg.toString('hex', 16, 36);
    const swarm = this.core.registry.swarmFor(infoHashHex);
    if (swarm === null) return this.error(transactionId, UNKNOWN_TORRENT);
    // The IP address field (84) is ignored: honouring it would let anyone announce a victim.
    const addressLength = writeCompactPeer(address, port, ADDRESS);
    if (addressLength === 0) return this.error(transactionId, failure('invalidMessage', 'unusable source address'));
    const peerId = msg.toString('latin1', 36, 56);
    const seeder = msg.readUInt32BE(64) === 0 && msg.readUInt32BE(68) === 0;
    const numwantField = msg.readInt32BE(92);
    const numwant = Math.min(numwantField < 0 ? this.core.options.query.defaultNumwant : numwantField, this.core.options.maxUdpPeers);
    const self = swarm.announce(peerId, ADDRESS, addressLength, seeder, event as AnnounceEvent, now + this.core.options.peerTtl);
    // BEP 15: the reply's address family is the packet's: 6-byte peers over IPv4, 18 over IPv6.
    const v6 = addressLength === 18;
    const n = event === EVENT_STOPPED ? 0 : Math.min(numwant, swarm.available(v6, seeder, self));
    const reply = Buffer.allocUnsafe(20 + n * addressLength);
    reply.writeUInt32BE(ACTION_ANNOUNCE, 0);
    reply.writeUInt32BE(transactionId, 4);
    reply.writeUInt32BE(this.core.options.interval, 8);
    reply.writeUInt32BE(swarm.leechers, 12);
    reply.writeUInt32BE(swarm.seeders, 16);
    swarm.copyPeers(v6, seeder, self, n, reply, 20);
    this.core.stats.announces.udp++;
    return { reply, outcome: { ok: true, action: ACTION_ANNOUNCE } };
  }

  private scrape(msg: Buffer, transactionId: number): { reply: Buffer | null; outcome: UdpOutcome } {
    const count = Math.floor((msg.length - 16) / 20);
    if (count === 0) return this.error(transactionId, failure('truncatedPacket', 'scrape needs at least one 20-byte info_hash'));
    if (count > MAX_UDP_SCRAPE_HASHES) {
      return this.error(transactionId, failure('tooManyInfoHashes', `at most ${MAX_UDP_SCRAPE_HASHES} info_hash per scrape`));
    }
    const reply = Buffer.alloc(8 + 12 * count);
    reply.writeUInt32BE(ACTION_SCRAPE, 0);
    reply.writeUInt32BE(transactionId, 4);
    let known = 0;
    for (let i = 0; i < count; i++) {
      // Answers are positional: a torrent this pod does not serve reads as all zeros.
      const figures = this.core.registry.scrape(msg.toString('hex', 16 + 20 * i, 36 + 20 * i));
      if (figures === null) continue;
      known++;
      reply.writeUInt32BE(figures.complete, 8 + 12 * i);
      reply.writeUInt32BE(figures.downloaded, 12 + 12 * i);
      reply.writeUInt32BE(figures.incomplete, 16 + 12 * i);
    }
    if (known === 0) return this.error(transactionId, UNKNOWN_TORRENT);
    this.core.stats.scrapes.udp++;
    return { reply, outcome: { ok: true, action: ACTION_SCRAPE } };
  }

  private error(transactionId: number, outcome: TrackerFailure, count = true): { reply: Buffer; outcome: UdpOutcome } {
    if (count) this.core.count(outcome.code);
    const message = Buffer.from(outcome.reason, 'utf8');
    const reply = Buffer.allocUnsafe(8 + message.length);
    reply.writeUInt32BE(ACTION_ERROR, 0);
    reply.writeUInt32BE(transactionId, 4);
    message.copy(reply, 8);
    return { reply, outcome };
  }

  private writeConnectionId(out: Buffer, offset: number, address: string, issuedAt: number): void {
    out.writeUInt32BE(issuedAt >>> 0, offset);
    out.writeUInt32BE(this.mac(address, issuedAt), offset + 4);
  }

  private connectionIdValid(msg: Buffer, address: string, now: number): boolean {
    const issuedAt = msg.readUInt32BE(0);
    const age = now - issuedAt;
    if (age < 0 || age > CONNECTION_ID_LIFETIME_SECONDS) return false;
    return msg.readUInt32BE(4) === this.mac(address, issuedAt);
  }

  /** Keyed on the address only (not the port): a client behind NAT may change port between packets. */
  private mac(address: string, issuedAt: number): number {
    return createHmac('sha256', this.secret).update(`${address}/${issuedAt}`).digest().readUInt32BE(0);
  }
}

const DROPPED: UdpOutcome = { ok: false, code: 'dropped' };

/**
 * Binds a dgram socket (udp4, or udp6 for an IPv6 host) and serves BEP 15 on it. The pod
 * gives its own port: the announce URL is udp://HOSTNAME:PORT.
 */
export function listenUdp(core: TrackerCore<any>, options: { port: number; host?: string }): Promise<UdpTrackerHandle> {
  const host = options.host ?? '0.0.0.0';
  const socket = dgram.createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
  const protocol = new UdpProtocol(core);
  socket.on('message', (msg, rinfo) => {
    let reply: Buffer | null = null;
    try {
      reply = protocol.handle(msg, rinfo.address).reply;
    } catch {
      // A bug on one packet must not stop the tracker; the client retries.
      core.count('invalidMessage');
    }
    if (reply !== null) socket.send(reply, rinfo.port, rinfo.address);
  });
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    socket.once('error', onError);
    socket.bind(options.port, host, () => {
      socket.off('error', onError);
      // A send error (ICMP unreachable reported back, buffer full) concerns one client only.
      socket.on('error', () => core.count('invalidMessage'));
      resolve({
        socket,
        address: () => socket.address(),
        close: () => new Promise<void>((done) => socket.close(() => done())),
      });
    });
  });
}

import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData, type ServerOptions } from 'ws';
import type { TrackerCore } from './core.js';
import { failure, UNKNOWN_TORRENT, type TrackerFailure } from './failures.js';
import { EVENT_COMPLETED, EVENT_NONE, EVENT_STARTED, EVENT_STOPPED, type AnnounceEvent, type WsMember } from './swarm.js';

/**
 * WebTorrent's tracker protocol over WebSocket, as bittorrent-tracker's server speaks it:
 *
 *   → {action:'announce', info_hash, peer_id, left, event, numwant, offers:[{offer, offer_id}]}
 *   ← {action:'announce', interval, info_hash, complete, incomplete}
 *   ⇒ to other peers of the swarm, one offer each: {action:'announce', offer, offer_id, peer_id, info_hash}
 *   → {action:'announce', info_hash, peer_id, to_peer_id, answer, offer_id}
 *   ⇒ to to_peer_id: {action:'announce', answer, offer_id, peer_id, info_hash}
 *   → {action:'scrape', info_hash: one or a list} ← {action:'scrape', files:{<info_hash>:{complete, incomplete, downloaded}}}
 *
 * info_hash, peer_id, to_peer_id and offer_id are "binary strings": 20 chars, each the
 * code of one byte. Offers and answers (SDP) are relayed untouched.
 *
 * The framing is the `ws` library's (docs/adr: why the tracker is our own but its framing is
 * not): no compression (a zlib context per peer would cost more than the peer), a payload
 * limit, and the tracker's own checks before the handshake. Memory is the figure here: per
 * peer the tracker keeps the socket, ws's WebSocket (a WsConnection, with the tracker's
 * fields), ws's Receiver and Sender, and one WsMember per swarm joined; no closure per peer.
 */

/** Close codes of RFC 6455 section 7.4.1 the tracker sends itself (ws sends 1002, 1007, 1008, 1009). */
const CLOSE_GOING_AWAY = 1001;
const CLOSE_POLICY_VIOLATION = 1008;
/** Chunks of one frame ws may hold: 64 KiB in 1,024 chunks is 64 bytes a read on average. */
export const MAX_BUFFERED_CHUNKS = 1024;

/**
 * ws's WebSocket with the tracker's state of the peer in its own fields: ws creates it
 * (the server's `WebSocket` option), so there is no second object per connection and no
 * property added later (which would give every WebSocket a property array).
 */
export class WsConnection extends WebSocket {
  tracker: WebSocketTracker | null = null;
  address = '';
  /** The swarms this connection announced into: one member, or several (one socket serves all of a browser's torrents). */
  members: WsMember<WsConnection> | Array<WsMember<WsConnection>> | null = null;
  /** Seconds; the sweep closes connections that stay idle and in no swarm. */
  lastSeen = 0;
  closed = false;

  addMember(member: WsMember<WsConnection>): void {
    const members = this.members;
    if (members === null) this.members = member;
    else if (Array.isArray(members)) {
      if (!members.includes(member)) members.push(member);
    } else if (members !== member) this.members = [members, member];
  }

  forget(member: WsMember<WsConnection>): void {
    const members = this.members;
    if (members === member) this.members = null;
    else if (Array.isArray(members)) {
      const i = members.indexOf(member);
      if (i >= 0) members.splice(i, 1);
      if (members.length === 1) this.members = members[0];
      else if (members.length === 0) this.members = null;
    }
  }

  memberList(): Array<WsMember<WsConnection>> {
    const members = this.members;
    return members === null ? [] : Array.isArray(members) ? members.slice() : [members];
  }
}

export type WsOutcome = { readonly ok: true } | TrackerFailure;

export class WebSocketTracker {
  private readonly connections = new Set<WsConnection>();
  private readonly perAddress = new Map<string, number>();
  private readonly server: WebSocketServer;

  constructor(private readonly core: TrackerCore<WsConnection>) {
    // maxFragments and maxBufferedChunks are ws 8.23's options (its types do not list them yet).
    const options: ServerOptions<typeof WsConnection> & { maxFragments: number; maxBufferedChunks: number } = {
      WebSocket: WsConnection,
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: core.options.maxWsMessageBytes,
      // A WebTorrent message is one frame; a peer sending thousands of tiny fragments is not one.
      maxFragments: 64,
      // ws keeps the chunks of a frame in an array it shifts one by one: with its default
      // (262,144 chunks) a 64 KiB frame fed a byte at a time costs seconds of CPU. A real
      // client's frame comes in a few TCP reads; past this many the peer is closed (1008).
      maxBufferedChunks: MAX_BUFFERED_CHUNKS,
    };
    this.server = new WebSocketServer(options);
  }

  get size(): number {
    return this.connections.size;
  }

  /**
   * Takes over an HTTP upgrade (the caller checked the path). Refusals are plain HTTP
   * answers before the handshake: 400 (not a WebSocket handshake), 426 (version), 429.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): WsOutcome {
    const address = this.core.clientAddress(req);
    if (address === undefined || socket.destroyed) {
      socket.destroy();
      return failure('invalidMessage', 'connection closed');
    }
    const upgrade = req.headers.upgrade;
    if (req.method !== 'GET' || typeof upgrade !== 'string' || upgrade.toLowerCase() !== 'websocket' || !isValidKey(req.headers['sec-websocket-key'])) {
      return this.refuseUpgrade(socket, '400 Bad Request', failure('invalidMessage', 'not a WebSocket handshake'));
    }
    // ws also speaks the draft version 8; browsers and WebTorrent speak 13 only.
    if (req.headers['sec-websocket-version'] !== '13') {
      return this.refuseUpgrade(socket, '426 Upgrade Required', failure('invalidMessage', 'WebSocket version 13 only'), 'Sec-WebSocket-Version: 13\r\n');
    }
    // The connection cap first: refusing there costs nothing, so it spends no token.
    const open = this.perAddress.get(address) ?? 0;
    if (open >= this.core.options.maxWsConnectionsPerAddress) {
      return this.refuseUpgrade(socket, '429 Too Many Requests', failure('rateLimited', 'too many WebSocket connections from this address'));
    }
    const now = this.core.now();
    if (!this.core.admit(address, now)) {
      return this.refuseUpgrade(socket, '429 Too Many Requests', failure('rateLimited', 'rate limited'), '', false);
    }
    this.perAddress.set(address, open + 1);
    let accepted = false;
    this.server.handleUpgrade(req, socket, head, (ws) => {
      accepted = true;
      this.accept(ws as WsConnection, address, now);
    });
    // Without a verifyClient hook ws decides at once: it accepted, or it refused (and
    // answered, or dropped a socket already gone); then the slot is free again.
    if (!accepted) this.releaseAddress(address);
    return { ok: true };
  }

  private accept(conn: WsConnection, address: string, now: number): void {
    conn.tracker = this;
    conn.address = address;
    conn.lastSeen = Math.floor(now / 1000);
    this.connections.add(conn);
    this.core.stats.wsConnections = this.connections.size;
    conn.on('message', onSocketMessage);
    conn.on('error', onSocketError);
    conn.on('close', onSocketClose);
  }

  private refuseUpgrade(socket: Duplex, status: string, outcome: TrackerFailure, extra = '', count = true): TrackerFailure {
    if (count) this.core.count(outcome.code);
    refuseSocket(socket, `${status}\r\nConnection: close\r\nContent-Length: 0\r\n${extra}`);
    return outcome;
  }

  /** @internal shared listeners call this with the connection found on the WebSocket. */
  onData(conn: WsConnection, data: RawData): void {
    if (conn.closed) return;
    conn.lastSeen = Math.floor(this.core.now() / 1000);
    // Binary frames are read as text too (bittorrent-tracker does the same): the JSON parse refuses what is not.
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    this.onMessage(conn, bytes);
  }

  /** @internal ws closes the connection itself after a protocol error (1002, 1007, 1008, 1009). */
  onProtocolError(conn: WsConnection): void {
    if (!conn.closed) this.core.count('invalidMessage');
    this.release(conn);
  }

  private onMessage(conn: WsConnection, data: Buffer): void {
    let message: unknown;
    try {
      message = JSON.parse(data.toString('utf8'));
    } catch {
      this.reply(conn, { 'failure reason': 'message is not JSON' }, failure('invalidMessage', 'not JSON'));
      return;
    }
    if (message === null || typeof message !== 'object' || Array.isArray(message)) {
      this.reply(conn, { 'failure reason': 'message must be a JSON object' }, failure('invalidMessage', 'not an object'));
      return;
    }
    const params = message as Record<string, unknown>;
    const nowMs = this.core.now();
    if (params.action === 'announce') {
      if (!this.core.admit(conn.address, nowMs)) return this.refuse(conn, 'announce', params.info_hash, failure('rateLimited', RATE_TEXT));
      this.announce(conn, params, nowMs);
    } else if (params.action === 'scrape') {
      if (!this.core.admit(conn.address, nowMs)) return this.refuse(conn, 'scrape', undefined, failure('rateLimited', RATE_TEXT));
      this.scrape(conn, params);
    } else {
      this.reply(conn, { 'failure reason': 'action must be announce or scrape' }, failure('invalidAction', 'unknown action'));
    }
  }

  private announce(conn: WsConnection, params: Record<string, unknown>, nowMs: number): void {
    const infoHash = params.info_hash;
    if (!isBinaryId(infoHash)) return this.refuse(conn, 'announce', undefined, failure('invalidInfoHash', 'info_hash must be a 20-byte binary string'));
    const peerId = params.peer_id;
    if (!isBinaryId(peerId)) return this.refuse(conn, 'announce', infoHash, failure('invalidPeerId', 'peer_id must be a 20-byte binary string'));
    const infoHashHex = Buffer.from(infoHash, 'latin1').toString('hex');
    const swarm = this.core.registry.swarmFor(infoHashHex);
    if (swarm === null) return this.refuse(conn, 'announce', infoHash, UNKNOWN_TORRENT);

    if (params.answer !== undefined) {
      // An answer to an offer this peer received: relay it to the offerer, nothing else.
      const toPeerId = params.to_peer_id;
      if (!isBinaryId(toPeerId)) return this.refuse(conn, 'announce', infoHash, failure('invalidPeerId', 'to_peer_id must be a 20-byte binary string'));
      if (!isOfferId(params.offer_id)) return this.refuse(conn, 'announce', infoHash, failure('invalidMessage', 'offer_id must be a string'));
      const sender = swarm.wsGet(peerId);
      if (sender === undefined || sender.conn !== conn) {
        return this.refuse(conn, 'announce', infoHash, failure('unknownPeer', 'announce before answering'));
      }
      const target = swarm.wsGet(toPeerId);
      if (target === undefined) return this.refuse(conn, 'announce', infoHash, failure('unknownPeer', 'to_peer_id is not in this swarm'));
      this.send(target.conn, { action: 'announce', answer: params.answer, offer_id: params.offer_id, peer_id: peerId, info_hash: infoHash });
      this.core.stats.wsAnswersRelayed++;
      return;
    }

    const event = parseEvent(params.event);
    if (event < 0) return this.refuse(conn, 'announce', infoHash, failure('invalidEvent', 'event must be started, completed, stopped or update'));
    // WebTorrent sends left as a number; an unknown size (magnet without metadata) is a leecher.
    const left = Number(params.left);
    const seeder = left === 0;
    const existing = swarm.wsGet(peerId);
    if (existing !== undefined && existing.conn !== conn) {
      // The same peer reconnected on a new socket: the new one wins.
      swarm.wsRemove(existing);
      existing.conn.forget(existing);
    }
    const expires = Math.floor(nowMs / 1000) + this.core.options.wsPeerTtl;
    const member = swarm.wsAnnounce(peerId, conn, seeder, event as AnnounceEvent, expires);
    if (member === null) {
      if (existing !== undefined && existing.conn === conn) conn.forget(existing);
    } else {
      conn.addMember(member);
    }
    this.core.stats.announces.ws++;
    this.send(conn, { action: 'announce', interval: this.core.options.wsInterval, info_hash: infoHash, complete: swarm.seeders, incomplete: swarm.leechers });
    const offers = params.offers;
    if (member === null || !Array.isArray(offers) || offers.length === 0) return;
    const wanted = Math.min(offers.length, this.core.options.maxWsOffers);
    const peers = swarm.wsPick(member, wanted);
    for (let i = 0; i < peers.length; i++) {
      const offer = offers[i] as { offer?: unknown; offer_id?: unknown } | null;
      if (offer === null || typeof offer !== 'object' || offer.offer === undefined || !isOfferId(offer.offer_id)) continue;
      this.send(peers[i].conn, { action: 'announce', offer: offer.offer, offer_id: offer.offer_id, peer_id: peerId, info_hash: infoHash });
      this.core.stats.wsOffersRelayed++;
    }
  }

  private scrape(conn: WsConnection, params: Record<string, unknown>): void {
    const requested = params.info_hash;
    const list = typeof requested === 'string' ? [requested] : Array.isArray(requested) ? requested : [];
    if (list.length === 0) return this.refuse(conn, 'scrape', undefined, failure('fullScrapeRefused', 'a scrape must name at least one info_hash'));
    if (list.length > this.core.options.query.maxScrapeHashes) return this.refuse(conn, 'scrape', undefined, failure('tooManyInfoHashes', 'too many info_hash'));
    const files: Record<string, { complete: number; incomplete: number; downloaded: number }> = {};
    let known = 0;
    for (const infoHash of list) {
      if (!isBinaryId(infoHash)) return this.refuse(conn, 'scrape', undefined, failure('invalidInfoHash', 'info_hash must be a 20-byte binary string'));
      const figures = this.core.registry.scrape(Buffer.from(infoHash, 'latin1').toString('hex'));
      if (figures === null) continue;
      files[infoHash] = figures;
      known++;
    }
    if (known === 0) return this.refuse(conn, 'scrape', undefined, UNKNOWN_TORRENT);
    this.core.stats.scrapes.ws++;
    this.send(conn, { action: 'scrape', files });
  }

  /** A failure answer; it carries info_hash when known, since WebTorrent drops messages for other torrents. */
  private refuse(conn: WsConnection, action: 'announce' | 'scrape', infoHash: unknown, outcome: TrackerFailure): void {
    const body: Record<string, unknown> = { action, 'failure reason': outcome.reason };
    if (action === 'announce') this.core.stats.announcesRefused.ws++;
    if (isBinaryId(infoHash)) body.info_hash = infoHash;
    this.reply(conn, body, outcome);
  }

  private reply(conn: WsConnection, body: Record<string, unknown>, outcome: TrackerFailure): void {
    if (outcome.code !== 'rateLimited') this.core.count(outcome.code);
    this.send(conn, body);
  }

  private send(conn: WsConnection, message: Record<string, unknown>): void {
    if (conn.closed) return;
    const text = JSON.stringify(message);
    // A peer that does not read its messages is dropped rather than buffered for.
    if (conn.bufferedAmount + text.length > this.core.options.maxWsBufferedBytes) {
      this.core.count('invalidMessage');
      this.close(conn, CLOSE_POLICY_VIOLATION);
      return;
    }
    conn.send(text);
  }

  /** Sends a close frame and forgets the peer; ws destroys the socket if the peer lingers. */
  close(conn: WsConnection, code: number): void {
    if (conn.closed) return;
    this.release(conn);
    conn.close(code);
  }

  /** @internal the socket closed (or errored): leave every swarm. */
  release(conn: WsConnection): void {
    if (conn.closed) return;
    conn.closed = true;
    for (const member of conn.memberList()) member.swarm.wsRemove(member);
    conn.members = null;
    this.connections.delete(conn);
    this.core.stats.wsConnections = this.connections.size;
    this.releaseAddress(conn.address);
  }

  private releaseAddress(address: string): void {
    const open = (this.perAddress.get(address) ?? 1) - 1;
    if (open <= 0) this.perAddress.delete(address);
    else this.perAddress.set(address, open);
  }

  /** The sweep: forget expired members (done by the registry) and close idle connections in no swarm. */
  closeIdle(now: number): number {
    let closed = 0;
    for (const conn of this.connections) {
      if (conn.members === null && now - conn.lastSeen > this.core.options.wsPeerTtl) {
        this.close(conn, CLOSE_GOING_AWAY);
        closed++;
      }
    }
    return closed;
  }

  closeAll(): void {
    for (const conn of [...this.connections]) this.close(conn, CLOSE_GOING_AWAY);
  }
}

const RATE_TEXT = 'rate limited: too many requests from this address, slow down';

// Shared listeners: `this` is the connection (ws typed it as its base class).
function onSocketMessage(this: WebSocket, data: RawData): void {
  const conn = this as WsConnection;
  conn.tracker?.onData(conn, data);
}

function onSocketError(this: WebSocket): void {
  // A protocol error (ws closes with its code) or a reset peer; 'close' follows.
  const conn = this as WsConnection;
  conn.tracker?.onProtocolError(conn);
}

function onSocketClose(this: WebSocket): void {
  const conn = this as WsConnection;
  conn.tracker?.release(conn);
}

function onRefusedSocketError(): void {
  // A reset while refusing is routine.
}

/**
 * A plain HTTP refusal on an upgrade socket. Node removed its own error listener before
 * handing the socket over: without one, a reset during this write would crash the pod.
 */
function refuseSocket(socket: Duplex, statusAndHeaders: string): void {
  socket.on('error', onRefusedSocketError);
  socket.write(`HTTP/1.1 ${statusAndHeaders}\r\n`);
  // Closed once the answer is out, whether or not the client ever closes its side.
  const destroySoon = (socket as Duplex & { destroySoon?: () => void }).destroySoon;
  if (destroySoon) destroySoon.call(socket);
  else socket.end();
}

/** A valid Sec-WebSocket-Key is the base64 of 16 bytes. */
function isValidKey(key: unknown): key is string {
  return typeof key === 'string' && /^[A-Za-z0-9+/]{21}[AQgw]==$/.test(key);
}

function isBinaryId(value: unknown): value is string {
  if (typeof value !== 'string' || value.length !== 20) return false;
  for (let i = 0; i < 20; i++) if (value.charCodeAt(i) > 0xff) return false;
  return true;
}

/** WebTorrent's offer ids are 20-byte binary strings; any short string is relayed. */
function isOfferId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 64;
}

function parseEvent(value: unknown): number {
  if (value === undefined || value === null || value === '' || value === 'update' || value === 'empty') return EVENT_NONE;
  if (value === 'started') return EVENT_STARTED;
  if (value === 'completed') return EVENT_COMPLETED;
  if (value === 'stopped') return EVENT_STOPPED;
  return -1;
}

/**
 * Routes the upgrades for `path` (query ignored) of an HTTP server to the tracker. Other
 * paths are left to other upgrade listeners; with none, they are refused with 404.
 */
export function attachWebSocketTracker(server: HttpServer, tracker: WebSocketTracker, options: { path: string }): () => void {
  const listener = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    if (pathname === options.path) {
      tracker.handleUpgrade(req, socket, head);
    } else if (server.listenerCount('upgrade') === 1) {
      refuseSocket(socket, '404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n');
    }
  };
  server.on('upgrade', listener);
  return () => server.off('upgrade', listener);
}

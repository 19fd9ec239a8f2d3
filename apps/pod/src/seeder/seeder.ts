import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import WebTorrent, { type ChunkStoreConstructor, type Torrent, type TrackerClient, type Wire } from 'webtorrent';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { OpenFiles } from './open-files.js';
import { ReadOnlyFileStore, type ReadOnlyFileStoreOptions } from './read-only-file-store.js';
import { SeedError } from './seed-error.js';
import { readSingleFileTorrent } from './single-file-torrent.js';
import { SuperSeeder, type SuperSeedingPolicy } from './super-seeding-wires.js';

/**
 * The pod's seeder: one webtorrent client that seeds every published video of the pod,
 * to desktop clients over TCP and uTP (on `peerPort`) and to browsers over WebRTC
 * (signalled through the torrent's ws:// tracker), until unseeded.
 *
 *   const seeder = await Seeder.start({ peerPort: 51413, uploadLimitBytesPerSecond: 0, logger });
 *   await seeder.seed({ infoHash, torrentFile, filePath }); // after the pod's HTTP server listens
 *   seeder.has(infoHash); seeder.stats();
 *   await seeder.unseed(infoHash);                           // announces `stopped`
 *   await seeder.close();
 *
 * - Nothing is hashed again: the pieces were hashed at ingest, so seed() only checks that
 *   the file is still there with the torrent's size, and after a restart the pod calls
 *   seed() again for every video (the seeder keeps no state of its own on disk).
 * - Call seed() only once the pod's HTTP server (its tracker) listens: an HTTP or UDP
 *   announce that fails is retried only after bittorrent-tracker's default interval,
 *   30 minutes. For the same reason the pod's tracker must not rate-limit the seeder's
 *   own address: a restart announces every video (3 announces each) within seconds.
 * - seed() waits for every tracker of the torrent to answer its first announce, at most
 *   `announceTimeoutMs`; run many seed() calls concurrently rather than one by one.
 * - `peerPort` is both TCP and UDP (uTP): the pod's UDP tracker needs another port.
 * - The seeder asks trackers for no peers (numwant=0) and never dials out: leechers
 *   connect to it. That also means no WebRTC offers of its own: a browser's offers reach
 *   it through the tracker and it answers them. Offers are what made a webtorrent client
 *   cost memory per torrent (5 RTCPeerConnections per torrent per announce, each kept 50 s).
 * - DHT, local peer discovery, UPnP/NAT-PMP and web seeds are off; WebRTC uses no STUN
 *   server (host candidates only).
 */

export interface SeederLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface SeederOptions {
  /** TCP and uTP listen port; 0 picks a free one (see `port`). */
  peerPort: number;
  /** 0 or undefined: unlimited. Shared by every torrent and peer. */
  uploadLimitBytesPerSecond?: number;
  /** The longest seed() waits for the trackers' first answers. Default 5,000 ms. */
  announceTimeoutMs?: number;
  /** Video files kept open at once, shared by all torrents. Default 64. */
  maxOpenFiles?: number;
  /** Torrents starting (added, first announces) at once; further seed() calls queue. Default 16. */
  maxConcurrentStarts?: number;
  /**
   * Told of every piece payload sent (the /metrics bytes per video and protocol): called on
   * the upload path, so it must only add to a number.
   */
  onUpload?: (infoHash: string, protocol: 'tcp' | 'utp' | 'webrtc', bytes: number) => void;
  /** Default: console. */
  logger?: SeederLogger;
  /**
   * The ICE servers (STUN, TURN with short-lived credentials) of the seeder's WebRTC, asked
   * again every `iceRefreshSeconds` so that new connections never get expired credentials.
   * Default: none (loopback and LAN only).
   */
  iceServers?: () => unknown[];
  iceRefreshSeconds?: number;
  /**
   * Super-seeding (super-seeding.ts): each piece handed to the swarm about once, full speed for
   * a peer alone or starving. Default on; `false` advertises every piece to every peer.
   */
  superSeeding?: SuperSeedingPolicy | false;
  /** The BitTorrent peer id (40 hex characters); default random. Pods use seederPeerId() of libs/contracts. */
  peerId?: string;
}

export interface SeedableVideo {
  /** Hex SHA-1 info-hash (either case). */
  infoHash: string;
  /** The .torrent bytes made at ingest: single file, canonical bencoding. */
  torrentFile: Uint8Array;
  /** The stored file; its basename must be the torrent's name. */
  filePath: string;
}

export interface SeederStats {
  /** Torrents in the client (seeding, or being added by a pending seed()). */
  torrents: number;
  /** Connected peers (wires) over all torrents. */
  peers: number;
  wires: { tcp: number; utp: number; webrtc: number };
  /** Payload bytes sent to peers since start, unseeded torrents included. */
  uploadedBytes: number;
  /** Bytes read from the video files since start. */
  readBytes: number;
  openFiles: number;
  /** Pieces revealed by super-seeding, by reason (all zero when it is off). */
  revealedPieces: { alone: number; superSeeded: number; rescued: number };
}

interface Entry {
  torrent: Torrent | null;
  ready: Promise<void>;
  removed: boolean;
  lastWarning?: string;
}

const DEFAULT_ANNOUNCE_TIMEOUT_MS = 5000;
const DEFAULT_MAX_OPEN_FILES = 64;
const DEFAULT_MAX_CONCURRENT_STARTS = 16;
/** webtorrent checks every torrent for "no peers" every 30 s only to emit an event we ignore. */
const NO_PEERS_CHECK_SECONDS = 24 * 60 * 60;

export class Seeder {
  private readonly entries = new Map<string, Entry>();
  private uploaded = 0;
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly client: WebTorrent,
    private readonly openFiles: OpenFiles,
    private readonly starts: ConcurrencyLimit,
    private readonly announceTimeoutMs: number,
    private readonly logger: SeederLogger,
    private readonly superSeeder: SuperSeeder | null,
  ) {
    client.on('upload', (bytes: number) => {
      this.uploaded += bytes;
    });
    // Without a listener an 'error' event would throw; torrent errors land here too.
    client.on('error', (error: Error) => this.logger.error(`seeder: ${error.message}`));
  }

  /** The refresh of the WebRTC ICE servers (start), stopped by close(). */
  private iceRefresh: NodeJS.Timeout | undefined;
  private onUpload: SeederOptions['onUpload'];

  static async start(options: SeederOptions): Promise<Seeder> {
    const logger = options.logger ?? console;
    const limit = options.uploadLimitBytesPerSecond ?? 0;
    if (!Number.isFinite(limit) || limit < 0) throw new RangeError(`uploadLimitBytesPerSecond must be >= 0, got ${limit}`);
    // One object shared by every torrent's tracker client (they copy the reference): a refresh
    // replaces its iceServers for the connections made from then on.
    const rtcConfig = { iceServers: options.iceServers?.() ?? [] };
    const refresh = options.iceServers
      ? setInterval(() => {
          rtcConfig.iceServers = options.iceServers!();
        }, Math.max(1, options.iceRefreshSeconds ?? 1800) * 1000).unref()
      : undefined;
    if (options.peerId !== undefined && !/^[0-9a-f]{40}$/.test(options.peerId)) throw new RangeError(`peerId must be 40 lower-case hex characters, got ${options.peerId}`);
    const client = new WebTorrent({
      ...(options.peerId ? { peerId: options.peerId } : {}),
      torrentPort: options.peerPort,
      dht: false,
      lsd: false,
      natUpnp: false,
      natPmp: false,
      webSeeds: false,
      // No peer exchange: with numwant=0 it would be the only source of addresses to dial.
      // (Not `seedOutgoingConnections: false` instead: webtorrent then also drops the
      // WebRTC peers signalled by the tracker, which are the browsers' offers.)
      utPex: false,
      uploadLimit: limit > 0 ? Math.round(limit) : -1,
      tracker: { rtcConfig, getAnnounceOpts: () => ({ numwant: 0 }) },
    });
    await new Promise<void>((resolvePromise, reject) => {
      const onListening = (): void => {
        client.off('error', onError);
        resolvePromise();
      };
      const onError = (error: Error): void => {
        // TCP failures destroy the client; a uTP failure only turns uTP off.
        if (!client.destroyed) return logger.warn(`seeder: ${error.message} (continuing without uTP)`);
        client.off('listening', onListening);
        client.off('error', onError);
        clearInterval(refresh);
        reject(new SeedError('failed', `the seeder cannot listen on port ${options.peerPort}: ${error.message}`, { cause: error }));
      };
      client.once('listening', onListening);
      client.on('error', onError);
    });
    const seeder = new Seeder(
      client,
      new OpenFiles(options.maxOpenFiles ?? DEFAULT_MAX_OPEN_FILES),
      new ConcurrencyLimit(options.maxConcurrentStarts ?? DEFAULT_MAX_CONCURRENT_STARTS),
      options.announceTimeoutMs ?? DEFAULT_ANNOUNCE_TIMEOUT_MS,
      logger,
      options.superSeeding === false ? null : new SuperSeeder(options.superSeeding ?? {}),
    );
    seeder.iceRefresh = refresh;
    seeder.onUpload = options.onUpload;
    return seeder;
  }

  /** The TCP/uTP port peers connect to. */
  get port(): number {
    return this.client.torrentPort;
  }

  /**
   * Seeds a stored video. Resolves once the torrent is ready and its trackers answered
   * (or `announceTimeoutMs` passed). Idempotent per info-hash: a second call gets the
   * first call's promise. Rejects with a SeedError, leaving nothing behind, when the
   * torrent is unreadable or multi-file, does not match `infoHash`, or the file is
   * missing or not the torrent's size.
   */
  seed(video: SeedableVideo): Promise<void> {
    if (this.closing) return Promise.reject(new SeedError('closed', 'the seeder is closed'));
    const infoHash = normalizeInfoHash(video.infoHash);
    if (infoHash === null) return Promise.reject(new SeedError('invalidInfoHash', `not a hex info-hash: ${JSON.stringify(video.infoHash)}`));
    const existing = this.entries.get(infoHash);
    if (existing) return existing.ready;
    const entry: Entry = { torrent: null, ready: Promise.resolve(), removed: false };
    this.entries.set(infoHash, entry);
    entry.ready = this.add(infoHash, video, entry).catch(async (error: unknown) => {
      if (this.entries.get(infoHash) === entry) this.entries.delete(infoHash);
      if (entry.torrent !== null) await destroy(entry.torrent);
      // close() removes the torrents being added: say so, rather than `unseeded`.
      if (this.closing && error instanceof SeedError && error.code === 'unseeded') {
        throw new SeedError('closed', 'the seeder was closed while seeding started', { cause: error });
      }
      throw error;
    });
    return entry.ready;
  }

  /** Stops seeding (the trackers are told `stopped`). Unknown info-hashes are a no-op. */
  async unseed(infoHash: string): Promise<void> {
    const key = normalizeInfoHash(infoHash);
    const entry = key === null ? undefined : this.entries.get(key);
    if (key === null || entry === undefined) return;
    this.entries.delete(key);
    entry.removed = true;
    if (entry.torrent !== null) await destroy(entry.torrent);
    await entry.ready.catch(() => undefined);
  }

  /** True from seed() until unseed(), unless seed() failed. */
  has(infoHash: string): boolean {
    const key = normalizeInfoHash(infoHash);
    return key !== null && this.entries.has(key);
  }

  stats(): SeederStats {
    const wires = { tcp: 0, utp: 0, webrtc: 0 };
    let peers = 0;
    for (const torrent of this.client.torrents) {
      for (const wire of torrent.wires) {
        peers++;
        if (wire.type === 'webrtc') wires.webrtc++;
        else if (wire.type.startsWith('utp')) wires.utp++;
        else if (wire.type.startsWith('tcp')) wires.tcp++;
      }
    }
    return {
      torrents: this.client.torrents.length,
      peers,
      wires,
      uploadedBytes: this.uploaded,
      readBytes: this.openFiles.bytesRead,
      openFiles: this.openFiles.openCount,
      revealedPieces: this.superSeeder?.revealed() ?? { alone: 0, superSeeded: 0, rescued: 0 },
    };
  }

  /** Stops every torrent (announcing `stopped`), the listeners and the open files. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.iceRefresh);
      this.superSeeder?.close();
      for (const entry of this.entries.values()) entry.removed = true;
      this.entries.clear();
      await new Promise<void>((done) => this.client.destroy(() => done()));
      await this.openFiles.closeAll();
    })();
    return this.closing;
  }

  private async add(infoHash: string, video: SeedableVideo, entry: Entry): Promise<void> {
    const meta = readSingleFileTorrent(video.torrentFile);
    if (meta.infoHash !== infoHash) {
      throw new SeedError('infoHashMismatch', `the torrent's info-hash is ${meta.infoHash}, not ${infoHash}`);
    }
    const filePath = resolve(video.filePath);
    if (basename(filePath) !== meta.name) {
      throw new SeedError('nameMismatch', `the torrent names its file ${JSON.stringify(meta.name)}, the file is ${JSON.stringify(basename(filePath))}`);
    }
    const file = await stat(filePath).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') throw new SeedError('fileMissing', `${filePath} does not exist`, { cause: error });
      throw new SeedError('failed', `cannot stat ${filePath}: ${error.message}`, { cause: error });
    });
    if (!file.isFile()) throw new SeedError('notAFile', `${filePath} is not a regular file`);
    // Size only, not mtime: a restore or copy changes mtime with the bytes unchanged, and
    // a changed mtime would leave nothing to do but hash the whole file again. A file of
    // the right size with other bytes is caught by no cheap check (peers reject its
    // pieces); a size change is also caught on every later open of the file.
    if (file.size !== meta.length) {
      throw new SeedError('sizeMismatch', `${filePath} is ${file.size} bytes; the torrent says ${meta.length} (changed since ingest?)`);
    }
    this.throwIfRemoved(entry, infoHash);
    // Bounded, because all at once (a pod restarting with 1,000 videos) meant 1,000 HTTP
    // requests and 1,000 UDP sockets in flight: the tracker's UDP socket dropped
    // announces (each then waits for the next interval, 30 minutes), and the burst raised
    // peak RSS by tens of MB that the allocator did not give back.
    await this.starts.run(() => this.start(infoHash, filePath, video.torrentFile, entry));
  }

  private async start(infoHash: string, filePath: string, torrentFile: Uint8Array, entry: Entry): Promise<void> {
    this.throwIfRemoved(entry, infoHash);
    const storeOpts: Omit<ReadOnlyFileStoreOptions, 'length'> = {
      filePath,
      openFiles: this.openFiles,
      onReadError: (error) => this.warnOnce(entry, `seeder: cannot serve ${infoHash}: ${error.message}`),
    };
    const torrent = this.client.add(torrentFile, {
      path: dirname(filePath),
      skipVerify: true,
      store: ReadOnlyFileStore as unknown as ChunkStoreConstructor,
      storeOpts,
      storeCacheSlots: 0,
      noPeersIntervalTime: NO_PEERS_CHECK_SECONDS,
    });
    entry.torrent = torrent;
    this.countUploads(infoHash, torrent);
    // A seeder never downloaded anything: without this, webtorrent announces `completed`
    // right after `started`, doubling the announces at start, and a tracker that sees
    // `completed` first counts a download (scrape's `downloaded`) at every restart.
    torrent.once('metadata', () => {
      (torrent as { done: boolean }).done = true;
    });
    await whenReady(torrent, infoHash);
    this.throwIfRemoved(entry, infoHash);
    this.superSeeder?.attach(torrent);
    this.watch(infoHash, entry, torrent);
    await this.whenAnnounced(torrent, infoHash);
    this.throwIfRemoved(entry, infoHash);
  }

  /** One listener per connection, resolved to its protocol once (wires reach a seeder only after it is added). */
  private countUploads(infoHash: string, torrent: Torrent): void {
    const count = this.onUpload;
    if (!count) return;
    torrent.on('wire', (wire: Wire) => {
      const protocol = wire.type === 'webrtc' ? 'webrtc' : wire.type.startsWith('utp') ? 'utp' : wire.type.startsWith('tcp') ? 'tcp' : null;
      if (protocol) wire.on('upload', (bytes: number) => count(infoHash, protocol, bytes));
    });
  }

  private watch(infoHash: string, entry: Entry, torrent: Torrent): void {
    torrent.on('warning', (error: Error) => this.warnOnce(entry, `seeder: ${infoHash}: ${error.message}`));
    torrent.on('error', (error: Error) => this.logger.error(`seeder: ${infoHash}: ${error.message}`));
    torrent.once('close', () => {
      if (entry.removed || this.entries.get(infoHash) !== entry) return;
      this.entries.delete(infoHash);
      this.logger.error(`seeder: stopped seeding ${infoHash} after an error`);
    });
  }

  /**
   * Waits until every tracker answered the first announce or failed (a warning: refused,
   * unreachable, timed out), at most `announceTimeoutMs`. A failure does not fail seed():
   * peers that know the seeder can still connect, and webtorrent announces again later.
   */
  private async whenAnnounced(torrent: Torrent, infoHash: string): Promise<void> {
    const tracker: TrackerClient | null | undefined = torrent.discovery?.tracker;
    // bittorrent-tracker drops a trailing slash from announce URLs before using them.
    const pending = new Set(torrent.announce.map((url) => url.replace(/\/$/, '')));
    let failures = 0;
    if (!tracker || pending.size === 0) return;
    await new Promise<void>((done) => {
      const check = (): void => {
        if (pending.size <= failures) finish();
      };
      const onUpdate = (data: { announce: string }): void => {
        pending.delete(data.announce);
        check();
      };
      // Warnings do not say which tracker they are about: count them.
      const onWarning = (): void => {
        failures++;
        check();
      };
      const timer = setTimeout(() => {
        this.logger.warn(`seeder: ${infoHash}: no answer within ${this.announceTimeoutMs} ms from ${[...pending].join(', ')}; announced again at the next interval`);
        finish();
      }, this.announceTimeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        tracker.off('update', onUpdate);
        torrent.off('warning', onWarning);
        torrent.off('close', finish);
        done();
      };
      tracker.on('update', onUpdate);
      torrent.on('warning', onWarning);
      torrent.once('close', finish);
    });
  }

  private throwIfRemoved(entry: Entry, infoHash: string): void {
    if (this.closing) throw new SeedError('closed', 'the seeder was closed while seeding started');
    if (entry.removed) throw new SeedError('unseeded', `${infoHash} was unseeded while seeding started`);
  }

  /** Trackers repeat the same failure at every interval: log a message once per torrent until it changes. */
  private warnOnce(entry: Entry, message: string): void {
    if (entry.lastWarning === message) return;
    entry.lastWarning = message;
    this.logger.warn(message);
  }
}

function whenReady(torrent: Torrent, infoHash: string): Promise<void> {
  return new Promise<void>((done, reject) => {
    if (torrent.ready) return done();
    const cleanup = (): void => {
      torrent.off('ready', onReady);
      torrent.off('error', onError);
      torrent.off('close', onClose);
    };
    const onReady = (): void => {
      cleanup();
      done();
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(new SeedError('failed', `webtorrent could not add ${infoHash}: ${error.message}`, { cause: error }));
    };
    const onClose = (): void => {
      cleanup();
      reject(new SeedError('unseeded', `${infoHash} was removed while seeding started`));
    };
    torrent.once('ready', onReady);
    torrent.once('error', onError);
    torrent.once('close', onClose);
  });
}

function destroy(torrent: Torrent): Promise<void> {
  if (torrent.destroyed) return Promise.resolve();
  return new Promise<void>((done) => torrent.destroy(() => done()));
}

function normalizeInfoHash(value: string): string | null {
  return typeof value === 'string' && /^[0-9a-fA-F]{40}$/.test(value) ? value.toLowerCase() : null;
}

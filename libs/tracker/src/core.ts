import type { IncomingMessage } from 'node:http';
import type { TrackerFailureCode } from './failures.js';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from './http-query.js';
import { RateLimiter, type RateLimitOptions } from './rate-limit.js';
import { SwarmRegistry } from './registry.js';

export interface TrackerOptions {
  /**
   * Whether this pod serves the torrent (lower-case hex info-hash): its own videos. Asked
   * on every announce and scrape, so it must be cheap (a Set or Map lookup). Others get a
   * failure reason. A hook that throws counts as "no".
   */
  readonly allow: (infoHashHex: string) => boolean;
  /** Seconds between regular HTTP/UDP announces (BEP 3 `interval`). Default 600. */
  readonly intervalSeconds?: number;
  /** HTTP `min interval`. Default 60. */
  readonly minIntervalSeconds?: number;
  /** WebTorrent re-announce interval; shorter, as bittorrent-tracker's (interval / 5). Default 120. */
  readonly wsIntervalSeconds?: number;
  /** An HTTP/UDP peer silent this long is dropped. Default 1.5 × interval. */
  readonly peerTtlSeconds?: number;
  /** A WebTorrent peer silent this long is dropped (and an idle connection closed). Default 2 × wsInterval + 30. */
  readonly wsPeerTtlSeconds?: number;
  /** Peers per answer when numwant is absent; the most an HTTP answer gives; the most a UDP answer gives. */
  readonly defaultNumwant?: number;
  readonly maxNumwant?: number;
  readonly maxUdpPeers?: number;
  /** Info-hashes per HTTP scrape (UDP: at most 74, from the packet size BEP 15 gives). Default 100. */
  readonly maxScrapeHashes?: number;
  /** Longest query string read (HTTP). Default 8192. */
  readonly maxQueryLength?: number;
  /** Per-address token bucket, shared by the three protocols; false: none. Default 20/s, burst 100. */
  readonly rateLimit?: RateLimitOptions | false;
  /** Addresses the rate limit never applies to (the pod's own seeder announcing to its own tracker). */
  readonly rateLimitExempt?: (address: string) => boolean;
  /**
   * The client's address of an HTTP announce or scrape and of a WebSocket upgrade: the peer
   * address handed out and the key of the per-address limits. Default: the socket's. Behind a
   * reverse proxy the caller gives the forwarded one (from its trusted proxies only); UDP is
   * always direct.
   */
  readonly clientAddress?: (req: IncomingMessage) => string | undefined;
  /** Open WebSocket connections per address. Default 256. */
  readonly maxWsConnectionsPerAddress?: number;
  /**
   * Largest WebSocket message (ws's maxPayload). Default 64 KiB, as aquatic_ws: an announce
   * with maxWsOffers offers of a browser's non-trickle SDP (1-5 KB each) fits.
   */
  readonly maxWsMessageBytes?: number;
  /** Offers relayed per WebTorrent announce (WebTorrent sends at most 5). Default 10, as aquatic_ws. */
  readonly maxWsOffers?: number;
  /** Bytes queued to a WebSocket peer before it is dropped as too slow. Default 1 MiB. */
  readonly maxWsBufferedBytes?: number;
  /** Seconds between sweeps (expiry, pruning). Default 60. */
  readonly sweepIntervalSeconds?: number;
  /** Clock in milliseconds (tests pass a fake one). Default Date.now. */
  readonly now?: () => number;
}

export interface ResolvedOptions {
  readonly interval: number;
  readonly minInterval: number;
  readonly wsInterval: number;
  readonly peerTtl: number;
  readonly wsPeerTtl: number;
  readonly maxUdpPeers: number;
  readonly query: QueryLimits;
  readonly maxWsConnectionsPerAddress: number;
  readonly maxWsMessageBytes: number;
  readonly maxWsOffers: number;
  readonly maxWsBufferedBytes: number;
  readonly sweepIntervalMs: number;
}

export interface TrackerStats {
  announces: { http: number; udp: number; ws: number };
  /** Announces answered with a failure (unknown torrent, bad parameter, rate limited), by protocol. */
  announcesRefused: { http: number; udp: number; ws: number };
  scrapes: { http: number; udp: number; ws: number };
  udpConnects: number;
  wsConnections: number;
  wsOffersRelayed: number;
  wsAnswersRelayed: number;
  failures: Partial<Record<TrackerFailureCode, number>>;
}

/** What the three protocol front ends share: options, the registry, the limiter, counters, the clock. */
export class TrackerCore<C = unknown> {
  readonly options: ResolvedOptions;
  readonly registry: SwarmRegistry<C>;
  readonly limiter: RateLimiter | null;
  private readonly exempt: (address: string) => boolean;
  readonly clientAddress: (req: IncomingMessage) => string | undefined;
  readonly now: () => number;
  readonly stats: TrackerStats = {
    announces: { http: 0, udp: 0, ws: 0 },
    announcesRefused: { http: 0, udp: 0, ws: 0 },
    scrapes: { http: 0, udp: 0, ws: 0 },
    udpConnects: 0,
    wsConnections: 0,
    wsOffersRelayed: 0,
    wsAnswersRelayed: 0,
    failures: {},
  };

  constructor(options: TrackerOptions) {
    if (typeof options.allow !== 'function') throw new TypeError('tracker: options.allow(infoHashHex) is required');
    const interval = positive(options.intervalSeconds, 600, 'intervalSeconds');
    const wsInterval = positive(options.wsIntervalSeconds, 120, 'wsIntervalSeconds');
    const maxNumwant = positive(options.maxNumwant, 200, 'maxNumwant');
    this.options = {
      interval,
      minInterval: positive(options.minIntervalSeconds, Math.min(60, interval), 'minIntervalSeconds'),
      wsInterval,
      peerTtl: positive(options.peerTtlSeconds, Math.ceil(interval * 1.5), 'peerTtlSeconds'),
      wsPeerTtl: positive(options.wsPeerTtlSeconds, wsInterval * 2 + 30, 'wsPeerTtlSeconds'),
      maxUdpPeers: positive(options.maxUdpPeers, 200, 'maxUdpPeers'),
      query: {
        maxQueryLength: positive(options.maxQueryLength, DEFAULT_QUERY_LIMITS.maxQueryLength, 'maxQueryLength'),
        defaultNumwant: Math.min(positive(options.defaultNumwant, DEFAULT_QUERY_LIMITS.defaultNumwant, 'defaultNumwant'), maxNumwant),
        maxNumwant,
        maxScrapeHashes: positive(options.maxScrapeHashes, DEFAULT_QUERY_LIMITS.maxScrapeHashes, 'maxScrapeHashes'),
      },
      maxWsConnectionsPerAddress: positive(options.maxWsConnectionsPerAddress, 256, 'maxWsConnectionsPerAddress'),
      maxWsMessageBytes: positive(options.maxWsMessageBytes, 64 * 1024, 'maxWsMessageBytes'),
      maxWsOffers: positive(options.maxWsOffers, 10, 'maxWsOffers'),
      maxWsBufferedBytes: positive(options.maxWsBufferedBytes, 1024 * 1024, 'maxWsBufferedBytes'),
      sweepIntervalMs: positive(options.sweepIntervalSeconds, 60, 'sweepIntervalSeconds') * 1000,
    };
    this.registry = new SwarmRegistry<C>(options.allow);
    const rateLimit = options.rateLimit ?? { ratePerSecond: 20, burst: 100 };
    this.limiter = rateLimit === false ? null : new RateLimiter(rateLimit);
    this.now = options.now ?? Date.now;
    this.exempt = options.rateLimitExempt ?? (() => false);
    this.clientAddress = options.clientAddress ?? ((req) => req.socket.remoteAddress);
  }

  /** Spends a token of `address`; false when rate limited (counted). */
  admit(address: string, now: number): boolean {
    if (this.limiter === null || this.exempt(address) || this.limiter.take(address, now)) return true;
    this.count('rateLimited');
    return false;
  }

  count(code: TrackerFailureCode): void {
    this.stats.failures[code] = (this.stats.failures[code] ?? 0) + 1;
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`tracker: ${name} must be a positive number`);
  return value;
}

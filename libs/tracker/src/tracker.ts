import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { TrackerCore, type TrackerOptions, type TrackerStats } from './core.js';
import { createHttpHandlers, type HttpOutcome } from './http.js';
import { listenUdp, type UdpTrackerHandle } from './udp.js';
import { attachWebSocketTracker, WebSocketTracker, type WsConnection, type WsOutcome } from './ws.js';

export interface TrackerSnapshot extends TrackerStats {
  swarms: number;
  seeders: number;
  leechers: number;
  wsPeers: number;
  rateLimitedAddresses: number;
}

export interface Tracker {
  /** GET /tracker/announce from any Node http server (the pod routes it here). */
  handleAnnounce(req: IncomingMessage, res: ServerResponse): HttpOutcome;
  /** GET /tracker/scrape. */
  handleScrape(req: IncomingMessage, res: ServerResponse): HttpOutcome;
  /** An HTTP upgrade already routed to the WebSocket tracker. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): WsOutcome;
  /** Listens for upgrades to `path` on `server`; returns a function that stops listening. */
  attachWebSocketTracker(server: HttpServer, options: { path: string }): () => void;
  /** BEP 15 on a dgram socket bound to the port given (the pod's own). Closed by close(). */
  listenUdp(options: { port: number; host?: string }): Promise<UdpTrackerHandle>;
  /** Runs an expiry sweep now (it also runs every sweepIntervalSeconds). */
  sweep(): { peers: number; swarms: number; wsConnections: number };
  stats(): TrackerSnapshot;
  /** One torrent's figures (all protocols), as a scrape gives them; null when not allowed. */
  scrape(infoHashHex: string): { complete: number; incomplete: number; downloaded: number } | null;
  /** Stops the sweep timer, closes UDP sockets and WebSocket peers. HTTP belongs to the caller. */
  close(): Promise<void>;
}

export function createTracker(options: TrackerOptions): Tracker {
  const core = new TrackerCore<WsConnection>(options);
  const http = createHttpHandlers(core);
  const ws = new WebSocketTracker(core);
  const udpSockets = new Set<UdpTrackerHandle>();
  const detachers = new Set<() => void>();

  const sweep = (): { peers: number; swarms: number; wsConnections: number } => {
    const nowMs = core.now();
    const now = Math.floor(nowMs / 1000);
    const removed = core.registry.sweep(now, (member) => member.conn.forget(member));
    const wsConnections = ws.closeIdle(now);
    core.limiter?.prune(nowMs);
    return { ...removed, wsConnections };
  };
  const timer = setInterval(sweep, core.options.sweepIntervalMs);
  timer.unref();

  return {
    handleAnnounce: http.handleAnnounce,
    handleScrape: http.handleScrape,
    handleUpgrade: (req, socket, head) => ws.handleUpgrade(req, socket, head),
    attachWebSocketTracker(server, attachOptions) {
      const detach = attachWebSocketTracker(server, ws, attachOptions);
      detachers.add(detach);
      return () => {
        detachers.delete(detach);
        detach();
      };
    },
    async listenUdp(udpOptions) {
      const handle = await listenUdp(core, udpOptions);
      udpSockets.add(handle);
      return {
        ...handle,
        close: async () => {
          if (udpSockets.delete(handle)) await handle.close();
        },
      };
    },
    sweep,
    scrape: (infoHashHex) => core.registry.scrape(infoHashHex.toLowerCase()),
    stats() {
      return {
        ...structuredClone(core.stats),
        ...core.registry.stats(),
        rateLimitedAddresses: core.limiter?.size ?? 0,
      };
    },
    async close() {
      clearInterval(timer);
      for (const detach of detachers) detach();
      detachers.clear();
      ws.closeAll();
      await Promise.all([...udpSockets].map((handle) => handle.close()));
      udpSockets.clear();
    },
  };
}

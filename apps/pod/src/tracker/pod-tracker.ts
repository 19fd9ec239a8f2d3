import type { Express } from 'express';
import type { Server as HttpServer } from 'node:http';
import { networkInterfaces } from 'node:os';
import { createTracker, type Tracker } from '../../../../libs/tracker/src/index.js';
import type { ClientAddresses } from '../http/client-address.js';
import type { TrackerRegistry } from './tracker-registry.js';

/**
 * The pod's embedded tracker (libs/tracker) on the pod's own port: HTTP announce and scrape
 * as Express routes, WebSocket upgrades at /tracker/socket, and BEP 15 on the same port
 * number over UDP. It answers only for the registry's torrents: the pod's own videos.
 */
export class PodTracker {
  readonly tracker: Tracker;
  private detachWebSocket: (() => void) | null = null;

  constructor(registry: TrackerRegistry, clientAddresses: ClientAddresses) {
    // The seeder announces every local video to this tracker from one of this machine's own
    // addresses: rate-limited, a restart with 1,000 videos had most announces refused (and
    // clients retry a refused announce only after 30 minutes).
    const own = new Set(Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((entry) => entry.address)));
    for (const address of [...own]) own.add(`::ffff:${address}`);
    // Behind a reverse proxy on this machine every client would come from an own address
    // (exempt, and handed out as every peer's): the client's address is the forwarded one,
    // from trusted proxies only (http/client-address.ts). UDP stays direct.
    this.tracker = createTracker({
      allow: (infoHashHex) => registry.has(infoHashHex),
      rateLimitExempt: (address) => own.has(address),
      clientAddress: (req) => clientAddresses.of(req),
    });
  }

  /** Before Nest's own routes, so that Nest's body parsers and 404 never see these. */
  mountHttp(app: Express): void {
    app.get('/tracker/announce', (req, res) => void this.tracker.handleAnnounce(req, res));
    app.get('/tracker/scrape', (req, res) => void this.tracker.handleScrape(req, res));
  }

  /** Once the HTTP server exists: WebSocket on it, UDP on the port it bound. */
  async listen(server: HttpServer, udp: { port: number; host: string }): Promise<void> {
    this.detachWebSocket = this.tracker.attachWebSocketTracker(server, { path: '/tracker/socket' });
    await this.tracker.listenUdp(udp);
  }

  async close(): Promise<void> {
    this.detachWebSocket?.();
    await this.tracker.close();
  }
}

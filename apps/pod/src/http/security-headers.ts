import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { PodUrls, publicUrlOfActor } from '@swarmtube/contracts';
import type { ReadModelDatabase } from '@swarmtube/event-store';

/** How long the list of known pods' origins is kept before it is read again. */
const ORIGINS_TTL_MS = 1_000;

/**
 * The origins of the pods this pod knows (its own included): the player fetches their
 * torrents, web seeds and thumbnails and announces to their WebSocket trackers, so the site's
 * Content-Security-Policy lets exactly those in (`https://host` and `wss://host`, or `http:`
 * and `ws:` for a plain-HTTP demo pod). Read from the pods read model, at most every second (a request waits for a stale list to be read): a
 * pod that just joined is playable within seconds.
 */
export class KnownPodOrigins {
  private http: string[] = [];
  private ws: string[] = [];
  private readAt = 0;
  private reading: Promise<void> | null = null;

  constructor(
    private readonly db: ReadModelDatabase,
    ownPublicUrl: string,
    private readonly now: () => number = Date.now,
  ) {
    this.set([ownPublicUrl]);
  }

  /** Web origins (torrents, web seeds, thumbnails). */
  webOrigins(): string[] {
    this.refreshSoon();
    return this.http;
  }

  /** WebSocket origins (the trackers). */
  socketOrigins(): string[] {
    this.refreshSoon();
    return this.ws;
  }

  async refresh(): Promise<void> {
    const rows = await this.db.query<{ actor: string }>('SELECT actor FROM rm_pods');
    const bases = rows.map((row) => publicUrlOfActor(row.actor)).filter((base): base is string => base !== null);
    this.set([...new Set([this.http[0], ...bases])]);
    this.readAt = this.now();
  }

  /** Resolves once the list is at most ORIGINS_TTL_MS old (at once when it is). */
  fresh(): Promise<void> {
    this.refreshSoon();
    return this.reading ?? Promise.resolve();
  }

  private refreshSoon(): void {
    if (this.reading || this.now() - this.readAt < ORIGINS_TTL_MS) return;
    this.reading = this.refresh()
      .catch(() => undefined)
      .finally(() => {
        this.reading = null;
      });
  }

  private set(bases: string[]): void {
    const urls = bases.map((base) => new PodUrls(base));
    this.http = urls.map((u) => u.base);
    this.ws = urls.map((u) => `${u.secure ? 'wss' : 'ws'}://${u.host}`);
  }
}

/**
 * The security headers of every answer (site, API, files), in one place, through helmet:
 * - Content-Security-Policy: the page's own scripts and styles only (nothing inline), its
 *   service worker (`worker-src 'self'`), the player's blob: and mediastream: media, and the
 *   known pods' origins for what the player fetches (KnownPodOrigins); no plugins, no
 *   framing by others, forms to itself. On an HTTPS origin, `upgrade-insecure-requests`.
 * - Strict-Transport-Security only when the public URL is HTTPS (an http:// demo pod must not
 *   pin browsers to HTTPS on localhost).
 * - X-Content-Type-Options nosniff, Referrer-Policy no-referrer, X-Frame-Options.
 * - Cross-Origin-Resource-Policy cross-origin: other pods' sites load this pod's thumbnails,
 *   torrents and web seeds (CORS decides what scripts may read).
 * The Swagger UI at /api/docs runs an inline script: it gets its own, looser policy.
 */
export function securityHeaders(options: { publicUrl: string; origins: KnownPodOrigins; apiDocsPath: string }): RequestHandler {
  const secure = new PodUrls(options.publicUrl).secure;
  const web = () => options.origins.webOrigins().join(' ');
  const sockets = () => options.origins.socketOrigins().join(' ');
  const common = {
    strictTransportSecurity: secure ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    referrerPolicy: { policy: 'no-referrer' as const },
    crossOriginResourcePolicy: { policy: 'cross-origin' as const },
    // The player's web seeds and thumbnails of other pods are not CORP/COEP-opted: no isolation.
    crossOriginEmbedderPolicy: false,
  };
  const site = helmet({
    ...common,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:', 'blob:', web],
        'media-src': ["'self'", 'blob:', 'mediastream:', web],
        'connect-src': ["'self'", web, sockets],
        'worker-src': ["'self'"],
        'font-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'self'"],
        'upgrade-insecure-requests': secure ? [] : null,
      },
    },
  });
  const docs = helmet({
    ...common,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'", "'unsafe-inline'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'object-src': ["'none'"],
        'frame-ancestors': ["'self'"],
        'upgrade-insecure-requests': secure ? [] : null,
      },
    },
  });
  // A stale list is read before the headers are set, not after: a page loaded just after
  // make-friends would otherwise get a policy without the new pods (blocked thumbnails, trackers).
  return (req, res, next) => {
    const handler = req.path === options.apiDocsPath || req.path.startsWith(`${options.apiDocsPath}/`) ? docs : site;
    options.origins.fresh().then(() => handler(req, res, next), () => handler(req, res, next));
  };
}

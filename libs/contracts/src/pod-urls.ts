/**
 * The one source of a pod's URLs: its public URL (`publicUrl`, by default `http://HOST`) and
 * everything derived from it (actor, key ids, inbox, WebFinger, NodeInfo, videos, torrents,
 * trackers, web seeds, thumbnails), the host of an actor URL, and how a peer named by an admin
 * (a URL or a bare host) is reached. Browser-safe: the site uses it too.
 *
 * A pod's identity is its actor URL, `PUBLIC_URL/federation/actor`; its host (`host[:port]`,
 * the port only when it is not the scheme's default) names it in streams and routes.
 */

export const ACTOR_PATH = '/federation/actor';

const ACTOR_URL = /^https?:\/\/([^/?#]+)\/federation\/actor$/;

/** `host[:port]` of an actor URL exactly as written (no normalisation: the schema already forces lower case), or null. */
export function hostOfActor(actor: string): string | null {
  return ACTOR_URL.exec(actor)?.[1] ?? null;
}

/** `host[:port]` of an actor URL; throws on anything else (for actors this pod already checked). */
export function actorHost(actor: string): string {
  const host = hostOfActor(actor);
  if (host === null) throw new PublicUrlError(`"${actor.slice(0, 200)}" is not a pod's actor URL`);
  return host;
}

/** The public URL (scheme and authority, no trailing slash) of an actor URL, or null. */
export function publicUrlOfActor(actor: string): string | null {
  return ACTOR_URL.test(actor) ? actor.slice(0, -ACTOR_PATH.length) : null;
}

export function actorUrlOf(publicUrl: string): string {
  return `${publicUrl}${ACTOR_PATH}`;
}

export class PublicUrlError extends Error {}

/**
 * A public URL in its canonical form (`https://video.example.org`, `http://localhost:9001`):
 * an absolute http(s) URL with a host and nothing after it (no path, query, fragment or
 * credentials), the scheme's default port dropped, the host in lower case. Throws
 * PublicUrlError saying what is wrong.
 */
export function canonicalPublicUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new PublicUrlError(`"${value.slice(0, 200)}" is not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PublicUrlError(`"${value.slice(0, 200)}" is not an http(s) URL`);
  if (url.username !== '' || url.password !== '') throw new PublicUrlError(`"${url.host}" carries credentials`);
  if (url.host === '') throw new PublicUrlError(`"${value.slice(0, 200)}" has no host`);
  if (url.pathname !== '/' || /^[^?#]*:\/\/[^/?#]*\/[^?#]/.test(value)) throw new PublicUrlError(`"${value.slice(0, 200)}" has a path (give the scheme and host only)`);
  if (url.search !== '' || value.includes('?')) throw new PublicUrlError(`"${value.slice(0, 200)}" has a query`);
  if (url.hash !== '' || value.includes('#')) throw new PublicUrlError(`"${value.slice(0, 200)}" has a fragment`);
  return `${url.protocol}//${url.host}`;
}

/** `localhost`, `*.localhost`, 127.0.0.0/8, `[::1]` (with or without a port): a host on this machine. */
export function isLoopbackHost(host: string): boolean {
  const hostname = host.replace(/:\d+$/, '').replace(/\.$/, '').toLowerCase();
  if (hostname === 'localhost' || hostname.endsWith('.localhost') || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)) return true;
  // IPv6 loopback, and IPv4 loopback mapped into IPv6 (URL writes [::ffff:127.0.0.1] as [::ffff:7f00:1]).
  const v6 = hostname.replace(/^\[|\]$/g, '');
  return v6 === '::1' || /^::ffff:(7f[0-9a-f]{2}:[0-9a-f]{1,4}|127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.test(v6);
}

export class PeerUrlError extends Error {
  constructor(
    /** `invalid-host` (not a URL nor a host) or `insecure-peer` (plain HTTP where it is not allowed). */
    readonly code: 'invalid-host' | 'insecure-peer',
    message: string,
  ) {
    super(message);
  }
}

const BARE_HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]{2,45}\])(?::\d{1,5})?$/i;

/**
 * The public URL of a peer named by an admin or a config (`seeds`, make-friends): a URL, or a
 * bare `host[:port]`, which means HTTPS, except a loopback host while plain HTTP is allowed
 * (the demo: federation.allowPrivateAddresses). Plain HTTP to anything but loopback in demo
 * mode is refused: a pod's peers are reached over verified TLS.
 */
export function peerPublicUrl(input: string, options: { allowPlainHttpLoopback: boolean }): string {
  const text = input.trim();
  if (text.length === 0 || text.length > 300) throw new PeerUrlError('invalid-host', `"${text.slice(0, 100)}" is not a URL or host[:port]`);
  let url: string;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    try {
      url = canonicalPublicUrl(text);
    } catch (error) {
      throw new PeerUrlError('invalid-host', (error as Error).message);
    }
  } else {
    if (!BARE_HOST.test(text)) throw new PeerUrlError('invalid-host', `"${text.slice(0, 100)}" is not a URL or host[:port]`);
    const plain = options.allowPlainHttpLoopback && isLoopbackHost(text);
    url = canonicalPublicUrl(`${plain ? 'http' : 'https'}://${text.toLowerCase()}`);
  }
  assertPeerScheme(url, options);
  return url;
}

/** Refuses a peer URL (or actor URL) over plain HTTP, except loopback while the demo allows it. */
export function assertPeerScheme(url: string, options: { allowPlainHttpLoopback: boolean }): void {
  if (!url.startsWith('http://')) return;
  const host = /^http:\/\/([^/?#]+)/.exec(url)?.[1] ?? '';
  if (options.allowPlainHttpLoopback && isLoopbackHost(host)) return;
  throw new PeerUrlError(
    'insecure-peer',
    options.allowPlainHttpLoopback
      ? `${url.slice(0, 200)}: plain HTTP is allowed for loopback hosts only; use https://`
      : `${url.slice(0, 200)}: pods federate over HTTPS (plain HTTP only for loopback hosts with federation.allowPrivateAddresses on)`,
  );
}

/** Every URL a pod emits, from its public URL. */
export class PodUrls {
  /** `host[:port]` as it appears in the public URL (the port only when not the default). */
  readonly host: string;
  /** The host name alone, without the port (an IPv6 address keeps its brackets). */
  readonly hostname: string;
  readonly secure: boolean;
  readonly actor: string;

  constructor(
    /** The canonical public URL (canonicalPublicUrl). */
    readonly base: string,
  ) {
    const url = new URL(base);
    this.host = url.host;
    this.hostname = url.hostname;
    this.secure = url.protocol === 'https:';
    this.actor = actorUrlOf(base);
  }

  /** The URLs of the pod whose actor URL this is; throws on anything else. */
  static ofActor(actor: string): PodUrls {
    const base = publicUrlOfActor(actor);
    if (base === null) throw new PublicUrlError(`"${actor.slice(0, 200)}" is not a pod's actor URL`);
    return new PodUrls(base);
  }

  get inbox(): string {
    return `${this.base}/federation/inbox`;
  }
  get outbox(): string {
    return `${this.base}/federation/outbox`;
  }
  get events(): string {
    return `${this.base}/federation/events`;
  }
  /** The RSA key of HTTP Signatures. */
  get rsaKeyId(): string {
    return `${this.actor}#main-key`;
  }
  /** The Ed25519 key of event proofs. */
  get ed25519KeyId(): string {
    return `${this.actor}#ed25519-key`;
  }
  get nodeinfo(): string {
    return `${this.base}/nodeinfo/2.1`;
  }
  /** An activity wrapping one of the pod's events, by the event's uuid. */
  activity(eventUuid: string): string {
    return `${this.base}/federation/activities/${eventUuid}`;
  }
  /** The site's home page. */
  get home(): string {
    return `${this.base}/`;
  }
  /** A video's page, which is also its ActivityPub id. */
  video(uuid: string): string {
    return `${this.base}/videos/watch/${uuid}`;
  }
  torrent(uuid: string): string {
    return `${this.base}/static/torrents/${uuid}.torrent`;
  }
  webSeed(fileName: string): string {
    return `${this.base}/static/web-videos/${fileName}`;
  }
  thumbnail(uuid: string): string {
    return `${this.base}/static/thumbnails/${uuid}.jpg`;
  }
  /** The WebSocket tracker: `wss://` under an HTTPS public URL (a page on HTTPS can use no other). */
  get trackerSocket(): string {
    return `${this.secure ? 'wss' : 'ws'}://${this.host}/tracker/socket`;
  }
  get trackerAnnounce(): string {
    return `${this.base}/tracker/announce`;
  }
  /** The origin's trackers, WebSocket first (browsers can use no other); UDP goes direct to the pod's port. */
  announceList(udpPort: number): string[] {
    return [this.trackerSocket, this.trackerAnnounce, `udp://${this.hostname}:${udpPort}`];
  }
}

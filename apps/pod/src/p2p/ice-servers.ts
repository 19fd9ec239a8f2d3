import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { PodConfig } from '../config/pod-config.js';

/** One entry of RTCConfiguration.iceServers, as browsers and node-datachannel take it. */
export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/**
 * A TURN credential by the TURN REST API scheme (draft-uberti-behave-turn-rest, coturn's
 * `use-auth-secret`): username `<expiry unix seconds>:<id>`, credential
 * base64(HMAC-SHA1(secret, username)). The TURN server recomputes it from the shared secret
 * and refuses it after the expiry: the secret itself never leaves the pod.
 */
export function turnCredential(secret: string, id: string, expiresAtSeconds: number): { username: string; credential: string } {
  const username = `${expiresAtSeconds}:${id}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/** The ICE servers for one viewer (or the seeder), TURN credentials valid until `expiresAtSeconds`. */
export function iceServersFor(ice: PodConfig['ice'], id: string, expiresAtSeconds: number): IceServer[] {
  const servers: IceServer[] = [];
  if (ice.stunUrls.length > 0) servers.push({ urls: [...ice.stunUrls] });
  if (ice.turnUrls.length > 0) servers.push({ urls: [...ice.turnUrls], ...turnCredential(ice.turnSecret, id, expiresAtSeconds) });
  return servers;
}

/**
 * The same for node-datachannel (the seeder's WebRTC): its RTCPeerConnection polyfill writes
 * `turn:USER:PASS@host`, and libdatachannel splits that at the first colon and percent-decodes
 * each part, so the username's colon and the base64 of the credential are percent-encoded.
 */
export function iceServersForNodeDatachannel(servers: readonly IceServer[]): IceServer[] {
  return servers.map((server) =>
    server.username === undefined ? { urls: [...server.urls] } : { urls: [...server.urls], username: encodeURIComponent(server.username), credential: encodeURIComponent(server.credential ?? '') },
  );
}

export type ViewerSessionCheck = { ok: true; id: string; expiresAtSeconds: number } | { ok: false; code: 'viewer-session-required' | 'viewer-session-invalid' | 'viewer-session-expired' };

const TOKEN = /^([0-9a-f-]{36})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/**
 * Short-lived viewer sessions: a token `<id>.<expiry>.<HMAC-SHA256>` signed with a key of this
 * process (a restart ends every session; the page asks again). TURN credentials are minted for
 * a session, for its id and until its expiry, never past it: a request without a session, with
 * a forged one or after it expired is refused, and what a session yields is traceable to it in
 * the TURN server's logs (the id is in the username).
 */
export class ViewerSessions {
  constructor(
    readonly ttlSeconds: number,
    private readonly key: Buffer = randomBytes(32),
    private readonly now: () => number = Date.now,
  ) {}

  issue(): { token: string; id: string; expiresAtSeconds: number } {
    const id = randomUUID();
    const expiresAtSeconds = Math.floor(this.now() / 1000) + this.ttlSeconds;
    return { token: `${id}.${expiresAtSeconds}.${this.sign(id, expiresAtSeconds)}`, id, expiresAtSeconds };
  }

  check(token: unknown): ViewerSessionCheck {
    if (typeof token !== 'string' || token.length === 0) return { ok: false, code: 'viewer-session-required' };
    const match = TOKEN.exec(token);
    if (!match) return { ok: false, code: 'viewer-session-invalid' };
    const [, id, expiry, mac] = match;
    const expected = Buffer.from(this.sign(id, Number(expiry)));
    if (!timingSafeEqual(expected, Buffer.from(mac))) return { ok: false, code: 'viewer-session-invalid' };
    const expiresAtSeconds = Number(expiry);
    if (expiresAtSeconds * 1000 <= this.now()) return { ok: false, code: 'viewer-session-expired' };
    return { ok: true, id, expiresAtSeconds };
  }

  private sign(id: string, expiresAtSeconds: number): string {
    return createHmac('sha256', this.key).update(`${id}.${expiresAtSeconds}`).digest('base64url');
  }
}

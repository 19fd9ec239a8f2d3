import { isSeederPeerId, podOrigin, seederPeerIdPrefix } from '../../../../libs/contracts/src/browser.js';

/**
 * Where a connection's bytes come from, for the P2P panel: the video's origin pod (its WebRTC
 * seeder, its web seed), a mirror pod (another pod seeding the video), or another viewer.
 *
 * - A pod's seeder says which pod it is in its peer id (libs/contracts seederPeerId): the
 *   origin's is recognised from the web seed's URL (the origin's public URL), any other pod's
 *   seeder counts as a mirror.
 * - A web seed connection (webtorrent's, when the viewer asks for it) shakes hands with the
 *   SHA-1 of its URL as its peer id: its URL's origin says which pod serves it.
 *
 * The hook for mirrors: `addMirror(url)` with any URL on the mirror pod (its public URL or its
 * web seed) names its seeder and its web seeds as 'mirror' explicitly.
 */
export type SourceRole = 'origin' | 'mirror' | 'viewer';

export interface ClassifiedWire {
  readonly type: string;
  readonly peerId?: string;
}

export class SourceClassifier {
  private readonly seeders = new Map<string, SourceRole>();
  private readonly webSeeds = new Map<string, SourceRole>();
  private readonly origins = new Map<string, SourceRole>();

  /** `originUrl`: any URL on the origin pod (its web seed, its torrent file). */
  constructor(originUrl: string | undefined) {
    if (originUrl) this.addPod(originUrl, 'origin');
  }

  /** A mirror pod of this video: any URL on it (helper `mirrors` lists them). */
  addMirror(url: string): void {
    if (this.origins.get(safeOrigin(url) ?? '') !== 'origin') this.addPod(url, 'mirror');
  }

  /** Web seed URLs the page may use, so that their connections are told apart (SHA-1 of the URL is their peer id). */
  async addWebSeeds(urls: readonly string[]): Promise<void> {
    await Promise.all(
      urls.map(async (url) => {
        const origin = safeOrigin(url);
        if (origin === null || !globalThis.crypto?.subtle) return;
        const digest = new Uint8Array(await crypto.subtle.digest('SHA-1', new TextEncoder().encode(url)));
        this.webSeeds.set(toHex(digest), this.origins.get(origin) ?? 'mirror');
      }),
    );
  }

  /** The role of a web seed URL (by its origin); mirror for another pod's. */
  roleOfUrl(url: string): SourceRole {
    return this.origins.get(safeOrigin(url) ?? '') ?? 'mirror';
  }

  roleOf(wire: ClassifiedWire): SourceRole {
    const peerId = (wire.peerId ?? '').toLowerCase();
    if (wire.type === 'webSeed') return this.webSeeds.get(peerId) ?? 'origin';
    for (const [prefix, role] of this.seeders) if (peerId.startsWith(prefix)) return role;
    return isSeederPeerId(peerId) ? 'mirror' : 'viewer';
  }

  private addPod(url: string, role: SourceRole): void {
    const origin = safeOrigin(url);
    if (origin === null) return;
    this.origins.set(origin, role);
    this.seeders.set(seederPeerIdPrefix(origin), role);
  }
}

function safeOrigin(url: string): string | null {
  try {
    return podOrigin(url);
  } catch {
    return null;
  }
}

function toHex(bytes: Uint8Array): string {
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

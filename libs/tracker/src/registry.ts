import { Swarm, type WsMember } from './swarm.js';

/**
 * The swarms this tracker serves, keyed by lower-case hex info-hash. A swarm exists only
 * for info-hashes the pod allows (its own videos, from its tracker registry read model);
 * the hook is asked on every announce and scrape, so a deleted video stops being served
 * at once, and again at each sweep, which drops its swarm.
 */
export class SwarmRegistry<C = unknown> {
  readonly swarms = new Map<string, Swarm<C>>();

  constructor(private readonly allowHook: (infoHashHex: string) => boolean) {}

  /** A hook that throws refuses the torrent: a bug there must not take the tracker down. */
  allow(infoHashHex: string): boolean {
    try {
      return this.allowHook(infoHashHex) === true;
    } catch {
      return false;
    }
  }

  /** The swarm to announce into, created on first use; null when the torrent is not allowed. */
  swarmFor(infoHashHex: string): Swarm<C> | null {
    if (!this.allow(infoHashHex)) return null;
    let swarm = this.swarms.get(infoHashHex);
    if (swarm === undefined) {
      swarm = new Swarm<C>(infoHashHex);
      this.swarms.set(infoHashHex, swarm);
    }
    return swarm;
  }

  /** Scrape figures; null when not allowed; zeros for an allowed torrent nobody announced yet. */
  scrape(infoHashHex: string): { complete: number; incomplete: number; downloaded: number } | null {
    if (!this.allow(infoHashHex)) return null;
    const swarm = this.swarms.get(infoHashHex);
    if (swarm === undefined) return { complete: 0, incomplete: 0, downloaded: 0 };
    return { complete: swarm.seeders, incomplete: swarm.leechers, downloaded: swarm.downloaded };
  }

  /**
   * Expires peers that did not re-announce in time, drops empty and no-longer-allowed
   * swarms. WebTorrent members removed are passed to `onWsRemoved` (their connection
   * forgets them). `now` is in seconds.
   */
  sweep(now: number, onWsRemoved: (member: WsMember<C>) => void): { peers: number; swarms: number } {
    let peers = 0;
    let swarms = 0;
    for (const [hex, swarm] of this.swarms) {
      if (!this.allow(hex)) {
        peers += swarm.index.size;
        const members = swarm.wsList ? [...swarm.wsList] : [];
        for (const member of members) {
          swarm.wsRemove(member);
          onWsRemoved(member);
        }
        peers += members.length;
        this.swarms.delete(hex);
        swarms++;
        continue;
      }
      peers += swarm.expire(now);
      peers += swarm.wsExpire(now, onWsRemoved);
      if (swarm.size === 0) {
        this.swarms.delete(hex);
        swarms++;
      }
    }
    return { peers, swarms };
  }

  stats(): { swarms: number; seeders: number; leechers: number; wsPeers: number } {
    let seeders = 0;
    let leechers = 0;
    let wsPeers = 0;
    for (const swarm of this.swarms.values()) {
      seeders += swarm.seeders;
      leechers += swarm.leechers;
      wsPeers += swarm.wsList?.length ?? 0;
    }
    return { swarms: this.swarms.size, seeders, leechers, wsPeers };
  }
}

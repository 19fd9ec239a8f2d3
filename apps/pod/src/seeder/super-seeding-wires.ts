import type { Torrent, Wire } from 'webtorrent';
import { SuperSeeding, type SuperSeedingOptions } from './super-seeding.js';

/**
 * Super-seeding on webtorrent's wires: what super-seeding.ts decides, sent as bitfields and
 * `have` messages. webtorrent itself advertises every piece to every peer (a bitfield or
 * BEP 6 have-all, in `_onWireWithMetadata`, a microtask after the torrent's 'wire' event);
 * here that first message is replaced, on each wire, by the pieces the policy reveals, and
 * later reveals go out as `have`s. Serving is unchanged: webtorrent answers whatever a peer
 * requests, and peers request only what was advertised to them.
 */

export type SuperSeedingPolicy = Omit<SuperSeedingOptions, 'pieceCount' | 'pieceLength'>;

/** The part of a bittorrent-protocol Wire this needs. */
interface SeedWire {
  readonly destroyed?: boolean;
  readonly peerPieces: { get(index: number): boolean };
  bitfield(bits: Uint8Array): void;
  haveAll(): void;
  have(index: number): void;
  on(event: 'bitfield' | 'have-all' | 'have-none' | 'close', listener: () => void): unknown;
  on(event: 'have', listener: (index: number) => void): unknown;
  once(event: 'close', listener: () => void): unknown;
}

interface SeedTorrent {
  readonly pieceLength: number;
  readonly pieces: readonly unknown[];
}

const TICK_MS = 200;

export class SuperSeeder {
  private readonly swarms = new Map<Torrent, SuperSeeding<SeedWire>>();
  private readonly attached = new WeakSet<Torrent>();
  private readonly timer: NodeJS.Timeout;
  /** What torrents no longer seeded had revealed. */
  private readonly closed = { alone: 0, superSeeded: 0, rescued: 0 };

  constructor(
    private readonly policy: SuperSeedingPolicy = {},
    private readonly now: () => number = () => performance.now(),
  ) {
    this.timer = setInterval(() => this.tick(), TICK_MS).unref();
  }

  /**
   * Takes over what `torrent` (ready, complete) advertises to each peer that connects from now
   * on. The policy's state is made at the first peer: a pod seeding 1,000 videos mostly idle
   * holds none.
   */
  attach(torrent: Torrent): void {
    const meta = torrent as unknown as SeedTorrent;
    if (this.attached.has(torrent) || meta.pieces.length === 0) return;
    this.attached.add(torrent);
    torrent.on('wire', (wire: Wire) => {
      let seeding = this.swarms.get(torrent);
      if (!seeding) {
        seeding = new SuperSeeding<SeedWire>({ ...this.policy, pieceCount: meta.pieces.length, pieceLength: meta.pieceLength });
        this.swarms.set(torrent, seeding);
      }
      this.onWire(torrent, seeding, wire as unknown as SeedWire);
    });
    torrent.once('close', () => this.retire(torrent));
  }

  /** The torrent's last peer left, or the torrent closed: its state goes, its counts stay. */
  private retire(torrent: Torrent): void {
    const seeding = this.swarms.get(torrent);
    if (!seeding) return;
    for (const key of ['alone', 'superSeeded', 'rescued'] as const) this.closed[key] += seeding.counters[key];
    this.swarms.delete(torrent);
  }

  close(): void {
    clearInterval(this.timer);
    this.swarms.clear();
  }

  /** Pieces revealed over every torrent since start, by reason (alone: everything at once; super-seeded; rescued: to a starving peer). */
  revealed(): { alone: number; superSeeded: number; rescued: number } {
    const sum = { ...this.closed };
    for (const { counters } of this.swarms.values()) {
      for (const key of ['alone', 'superSeeded', 'rescued'] as const) sum[key] += counters[key];
    }
    return sum;
  }

  private onWire(torrent: Torrent, seeding: SuperSeeding<SeedWire>, wire: SeedWire): void {
    const first = seeding.join(wire, this.now());
    if (first !== 'all') {
      const bits = new Uint8Array(Math.ceil(seeding.pieceCount / 8));
      for (const index of first) bits[index >> 3]! |= 0x80 >> (index & 7);
      // Instance properties shadowing the prototype's, used once: the first message.
      const mutable = wire as { bitfield: SeedWire['bitfield']; haveAll: SeedWire['haveAll'] };
      const sendPartial = (): void => {
        delete (mutable as Partial<typeof mutable>).bitfield;
        delete (mutable as Partial<typeof mutable>).haveAll;
        wire.bitfield(bits);
      };
      mutable.bitfield = sendPartial;
      mutable.haveAll = sendPartial;
    }
    wire.on('bitfield', () => seeding.bitfield(wire, wire.peerPieces, this.now()));
    wire.on('have-all', () => seeding.bitfield(wire, 'all', this.now()));
    wire.on('have-none', () => seeding.bitfield(wire, 'none', this.now()));
    wire.on('have', (index: number) => seeding.have(wire, index, this.now()));
    wire.once('close', () => {
      seeding.leave(wire);
      if (seeding.size === 0 && this.swarms.get(torrent) === seeding) this.retire(torrent);
    });
  }

  private tick(): void {
    const now = this.now();
    for (const seeding of this.swarms.values()) {
      if (seeding.size === 0) continue;
      for (const { peer, pieces } of seeding.tick(now)) {
        if (peer.destroyed) continue;
        for (const index of pieces) peer.have(index);
      }
    }
  }
}

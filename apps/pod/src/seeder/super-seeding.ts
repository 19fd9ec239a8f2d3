/**
 * Which pieces the pod's seeder reveals to which peer: super-seeding in the spirit of BEP 16,
 * as pure decisions (no wires, no timers; the caller passes `now`). The seeder-side glue
 * (super-seeding-wires.ts) feeds it the peers' bitfields and `have`s and turns its answers
 * into `have` messages.
 *
 * Why: a seeder that advertises every piece to every peer is the fastest peer of the swarm,
 * so each viewer takes a large share of the file from it and the pod sends several copies.
 * Here the seeder hands each piece to the swarm about once and lets the viewers spread it:
 *
 * - **Alone**: a peer that is the only one connected gets every piece at once (full speed):
 *   nobody else could serve it.
 * - **Super-seeding**: otherwise a peer is revealed only pieces that no connected peer has,
 *   that are not already handed to another peer, and that no peer with everything revealed
 *   still lacks (that one fetches them from the seeder anyway: handing them to a second peer
 *   too would have the seeder send them twice, which a capped seeder cannot afford); lowest
 *   index first (the rarest pieces, and among them the ones a viewer plays first), at most
 *   `outstandingBytes` at a time. A
 *   piece stops counting against its holder once another peer has it (the holder shared it),
 *   or after `spreadTimeoutMs` (the holder is not sharing, or nobody else needs it).
 * - **Starving**: a peer that gained no piece for `starveMs` (its neighbours cannot or do not
 *   serve it) is revealed the next `rescueBytes` it lacks from its first missing piece, even
 *   if other peers have them: no viewer waits for the policy.
 *
 * Pieces stay revealed (there is no taking an advertisement back), so a peer may later fetch a
 * revealed piece from the seeder that others also hold; the policy only decides what to add.
 */

export interface SuperSeedingOptions {
  pieceCount: number;
  pieceLength: number;
  /** Revealed bytes a peer may hold that no other peer has yet. Default 1 MiB. */
  outstandingBytes?: number;
  /** A peer that gained no piece for this long is starving. Default 1,000 ms. */
  starveMs?: number;
  /** Bytes revealed at once to a starving peer, from its first missing piece. Default 1 MiB. */
  rescueBytes?: number;
  /** A handed-out piece that nobody else took within this time no longer blocks its holder. Default 4,000 ms. */
  spreadTimeoutMs?: number;
}

/** Something that says which pieces a peer has: a bittorrent-protocol BitField, or a predicate. */
export interface PieceSet {
  get(index: number): boolean;
}

/** The pieces to reveal to each peer now (peers with nothing new are left out). */
export type Reveals<P> = Array<{ peer: P; pieces: number[] }>;

interface PeerState {
  readonly has: Uint8Array;
  hasCount: number;
  readonly revealed: Uint8Array;
  revealedCount: number;
  /** Handed to this peer alone, not seen elsewhere yet: index -> when revealed. */
  readonly outstanding: Map<number, number>;
  /** Lowest piece it may lack (everything below is had). */
  front: number;
  /** When it last gained a piece, joined, or was rescued. */
  lastProgressAt: number;
}

const NOBODY = -1;

export class SuperSeeding<P> {
  readonly pieceCount: number;
  private readonly maxOutstanding: number;
  private readonly starveMs: number;
  private readonly rescuePieces: number;
  private readonly spreadTimeoutMs: number;
  private readonly peers = new Map<P, PeerState>();
  /** Connected peers having each piece. */
  private readonly availability: Uint16Array;
  /** Which peer (its join number) a piece is handed to, or NOBODY. */
  private readonly handedTo: Int32Array;
  private readonly numbers = new Map<P, number>();
  private readonly byNumber = new Map<number, P>();
  private nextNumber = 0;
  /** Pieces revealed, by reason: what the figures of a benchmark can tell apart. */
  readonly counters = { alone: 0, superSeeded: 0, rescued: 0 };

  constructor(options: SuperSeedingOptions) {
    if (!Number.isSafeInteger(options.pieceCount) || options.pieceCount < 1) throw new RangeError(`pieceCount must be a positive integer, got ${options.pieceCount}`);
    if (!(options.pieceLength > 0)) throw new RangeError(`pieceLength must be positive, got ${options.pieceLength}`);
    this.pieceCount = options.pieceCount;
    const pieces = (bytes: number) => Math.max(1, Math.ceil(bytes / options.pieceLength));
    this.maxOutstanding = pieces(options.outstandingBytes ?? 1024 * 1024);
    this.rescuePieces = pieces(options.rescueBytes ?? 1024 * 1024);
    this.starveMs = options.starveMs ?? 1000;
    this.spreadTimeoutMs = options.spreadTimeoutMs ?? 4000;
    this.availability = new Uint16Array(this.pieceCount);
    this.handedTo = new Int32Array(this.pieceCount).fill(NOBODY);
  }

  get size(): number {
    return this.peers.size;
  }

  /**
   * A peer connects. Returns what its first message (bitfield) advertises: 'all' when it is
   * alone, else the pieces revealed to it so far (none: the next tick decides, once its own
   * bitfield says what it lacks).
   */
  join(peer: P, now: number): 'all' | number[] {
    if (this.peers.has(peer)) return this.revealedOf(this.peers.get(peer)!);
    const state: PeerState = {
      has: new Uint8Array(this.pieceCount),
      hasCount: 0,
      revealed: new Uint8Array(this.pieceCount),
      revealedCount: 0,
      outstanding: new Map(),
      front: 0,
      lastProgressAt: now,
    };
    this.peers.set(peer, state);
    const number = this.nextNumber++;
    this.numbers.set(peer, number);
    this.byNumber.set(number, peer);
    if (this.peers.size === 1) {
      this.revealAll(state);
      return 'all';
    }
    return [];
  }

  /** The peer's bitfield (its first message, or BEP 6's have-all / have-none). */
  bitfield(peer: P, pieces: PieceSet | 'all' | 'none', now: number): void {
    const state = this.peers.get(peer);
    if (!state) return;
    for (let index = 0; index < this.pieceCount; index++) {
      const had = state.has[index] === 1;
      const has = pieces === 'all' ? true : pieces === 'none' ? false : pieces.get(index);
      if (has && !had) this.gain(peer, state, index, now, false);
      else if (!has && had) this.lose(state, index);
    }
    state.front = 0;
  }

  /** The peer announced a new piece (`have`). */
  have(peer: P, index: number, now: number): void {
    const state = this.peers.get(peer);
    if (!state || !Number.isInteger(index) || index < 0 || index >= this.pieceCount || state.has[index] === 1) return;
    this.gain(peer, state, index, now, true);
  }

  /** The peer disconnected: what was handed to it alone goes back to the pool. */
  leave(peer: P): void {
    const state = this.peers.get(peer);
    if (!state) return;
    for (const index of state.outstanding.keys()) this.handedTo[index] = NOBODY;
    for (let index = 0; index < this.pieceCount; index++) if (state.has[index]) this.availability[index]--;
    this.peers.delete(peer);
    const number = this.numbers.get(peer)!;
    this.numbers.delete(peer);
    this.byNumber.delete(number);
  }

  /** What to reveal now, to whom: call it a few times a second while peers are connected. */
  tick(now: number): Reveals<P> {
    const reveals: Reveals<P> = [];
    for (const state of this.peers.values()) this.expire(state, now);
    for (const [peer, state] of this.peers) {
      if (state.hasCount === this.pieceCount || state.revealedCount === this.pieceCount) continue;
      const pieces: number[] = [];
      if (this.peers.size === 1) {
        pieces.push(...this.revealAll(state));
      } else {
        if (now - state.lastProgressAt >= this.starveMs) pieces.push(...this.rescue(state, now));
        pieces.push(...this.handOut(peer, state, now));
      }
      if (pieces.length > 0) reveals.push({ peer, pieces });
    }
    return reveals;
  }

  private gain(peer: P, state: PeerState, index: number, now: number, progress: boolean): void {
    state.has[index] = 1;
    state.hasCount++;
    this.availability[index]++;
    if (progress) state.lastProgressAt = now;
    // Seen at another peer than the one it was handed to: that one shared it.
    const holder = this.handedTo[index];
    if (holder !== NOBODY && holder !== this.numbers.get(peer)) {
      this.handedTo[index] = NOBODY;
      this.peers.get(this.byNumber.get(holder)!)?.outstanding.delete(index);
    }
  }

  private lose(state: PeerState, index: number): void {
    state.has[index] = 0;
    state.hasCount--;
    this.availability[index]--;
  }

  /** Handed-out pieces that waited too long stop blocking their holder (and may go to another peer). */
  private expire(state: PeerState, now: number): void {
    for (const [index, at] of state.outstanding) {
      if (now - at < this.spreadTimeoutMs) continue;
      state.outstanding.delete(index);
      this.handedTo[index] = NOBODY;
    }
  }

  /** The next pieces a starving peer lacks, from its first missing one, whoever else has them. */
  private rescue(state: PeerState, now: number): number[] {
    const pieces: number[] = [];
    state.lastProgressAt = now;
    for (let index = this.advanceFront(state); index < this.pieceCount && pieces.length < this.rescuePieces; index++) {
      if (state.has[index] || state.revealed[index]) continue;
      this.reveal(state, index);
      pieces.push(index);
    }
    this.counters.rescued += pieces.length;
    return pieces;
  }

  /** Pieces nobody connected has and nobody was handed, lowest first, up to the peer's allowance. */
  private handOut(peer: P, state: PeerState, now: number): number[] {
    const pieces: number[] = [];
    const number = this.numbers.get(peer)!;
    const full = [...this.peers.values()].filter((other) => other !== state && other.revealedCount === this.pieceCount && other.hasCount < this.pieceCount);
    for (let index = this.advanceFront(state); index < this.pieceCount && state.outstanding.size < this.maxOutstanding; index++) {
      if (state.has[index] || state.revealed[index] || this.availability[index] > 0 || this.handedTo[index] !== NOBODY) continue;
      if (full.some((other) => !other.has[index])) continue;
      this.reveal(state, index);
      state.outstanding.set(index, now);
      this.handedTo[index] = number;
      pieces.push(index);
    }
    this.counters.superSeeded += pieces.length;
    return pieces;
  }

  private revealAll(state: PeerState): number[] {
    const pieces: number[] = [];
    for (let index = 0; index < this.pieceCount; index++) {
      if (state.revealed[index]) continue;
      this.reveal(state, index);
      if (!state.has[index]) pieces.push(index);
    }
    this.counters.alone += pieces.length;
    return pieces;
  }

  private reveal(state: PeerState, index: number): void {
    state.revealed[index] = 1;
    state.revealedCount++;
  }

  private advanceFront(state: PeerState): number {
    while (state.front < this.pieceCount && state.has[state.front]) state.front++;
    return state.front;
  }

  private revealedOf(state: PeerState): number[] {
    const pieces: number[] = [];
    for (let index = 0; index < this.pieceCount; index++) if (state.revealed[index]) pieces.push(index);
    return pieces;
  }
}

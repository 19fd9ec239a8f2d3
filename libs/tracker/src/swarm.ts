/**
 * One torrent's peers, stored compactly so that an announce costs the same in a swarm of
 * ten peers and in one of a million.
 *
 * HTTP and UDP peers live in four dense lists (IPv4/IPv6 × leecher/seeder): their
 * compact addresses (BEP 23 / BEP 7 bytes) side by side in one Buffer, expiry times in a
 * Uint32Array and peer ids in an array. A Map from peer id to (slot, list) finds a peer;
 * removal moves the last slot into the hole. A peer list in an answer is a window at a
 * random start of those Buffers: one or two copies, no object per peer.
 *
 * WebTorrent peers (WebSocket) have no address to hand out; they are members kept apart,
 * used to relay offers, and counted with the others in complete/incomplete.
 */

export const EVENT_NONE = 0;
export const EVENT_COMPLETED = 1;
export const EVENT_STARTED = 2;
export const EVENT_STOPPED = 3;
/** BEP 15 numbering, used by the HTTP and WebSocket parsers too. */
export type AnnounceEvent = typeof EVENT_NONE | typeof EVENT_COMPLETED | typeof EVENT_STARTED | typeof EVENT_STOPPED;

const LEECH4 = 0;
const SEED4 = 1;
const LEECH6 = 2;
const SEED6 = 3;

export class PeerList {
  count = 0;
  addrs: Buffer;
  expires: Uint32Array;
  ids: string[] = [];

  constructor(readonly stride: 6 | 18) {
    this.addrs = Buffer.allocUnsafe(stride * 4);
    this.expires = new Uint32Array(4);
  }

  push(id: string, addr: Uint8Array, expires: number): number {
    const slot = this.count;
    if (slot === this.expires.length) this.grow();
    this.write(slot, addr);
    this.expires[slot] = expires;
    this.ids[slot] = id;
    this.count = slot + 1;
    return slot;
  }

  update(slot: number, addr: Uint8Array, expires: number): void {
    this.write(slot, addr);
    this.expires[slot] = expires;
  }

  /** A byte loop: 6 or 18 bytes, cheaper than a subarray and a copy call. */
  private write(slot: number, addr: Uint8Array): void {
    const addrs = this.addrs;
    const stride = this.stride;
    const at = slot * stride;
    for (let i = 0; i < stride; i++) addrs[at + i] = addr[i];
  }

  /** Removes `slot` by moving the last peer into it; returns that peer's id, or undefined if none moved. */
  removeAt(slot: number): string | undefined {
    const last = --this.count;
    let moved: string | undefined;
    if (slot !== last) {
      this.addrs.copy(this.addrs, slot * this.stride, last * this.stride, (last + 1) * this.stride);
      this.expires[slot] = this.expires[last];
      moved = this.ids[slot] = this.ids[last];
    }
    this.ids.length = last;
    if (last > 16 && last * 4 < this.expires.length) this.shrink();
    return moved;
  }

  private grow(): void {
    const capacity = this.expires.length * 2;
    const addrs = Buffer.allocUnsafe(capacity * this.stride);
    this.addrs.copy(addrs, 0, 0, this.count * this.stride);
    const expires = new Uint32Array(capacity);
    expires.set(this.expires);
    this.addrs = addrs;
    this.expires = expires;
  }

  /** A swarm that was big and emptied gives its memory back. */
  private shrink(): void {
    const capacity = this.expires.length / 2;
    this.addrs = Buffer.from(this.addrs.subarray(0, capacity * this.stride));
    this.expires = this.expires.slice(0, capacity);
  }
}

/** A WebTorrent peer in one swarm: its connection, for relaying offers and answers. */
export interface WsMember<C> {
  readonly conn: C;
  readonly peerId: string;
  readonly swarm: Swarm<C>;
  /** Position in swarm.wsList (kept dense so a random window of peers is cheap). */
  slot: number;
  seeder: boolean;
  expires: number;
}

export interface PeerSelection {
  /** Compact IPv4 peers (6 bytes each) and IPv6 peers (18 bytes each) to send. */
  readonly count4: number;
  readonly count6: number;
}

export class Swarm<C = unknown> {
  /** peer id (latin1, 20 chars) → slot * 4 + list */
  readonly index = new Map<string, number>();
  readonly lists: [PeerList | null, PeerList | null, PeerList | null, PeerList | null] = [null, null, null, null];
  /** Completed downloads ever seen (BEP 48 `downloaded`). */
  downloaded = 0;
  wsById: Map<string, WsMember<C>> | null = null;
  wsList: Array<WsMember<C>> | null = null;
  wsSeeders = 0;

  constructor(readonly infoHashHex: string) {}

  get seeders(): number {
    return (this.lists[SEED4]?.count ?? 0) + (this.lists[SEED6]?.count ?? 0) + this.wsSeeders;
  }

  get leechers(): number {
    return (
      (this.lists[LEECH4]?.count ?? 0) + (this.lists[LEECH6]?.count ?? 0) + (this.wsList ? this.wsList.length - this.wsSeeders : 0)
    );
  }

  get size(): number {
    return this.index.size + (this.wsList?.length ?? 0);
  }

  /**
   * Records an HTTP/UDP announce. `addr` holds the compact address (`addrLength` 6 or 18).
   * Returns the peer's location (slot * 4 + list), or -1 after `stopped`.
   */
  announce(peerId: string, addr: Uint8Array, addrLength: 6 | 18, seeder: boolean, event: AnnounceEvent, expires: number): number {
    const previous = this.index.get(peerId);
    if (event === EVENT_STOPPED) {
      if (previous !== undefined) this.removeLocation(peerId, previous);
      return -1;
    }
    const target = (addrLength === 18 ? LEECH6 : LEECH4) + (seeder ? 1 : 0);
    if (previous !== undefined) {
      const list = previous & 3;
      if (list === target) {
        this.lists[list]!.update(previous >>> 2, addr, expires);
        return previous;
      }
      if (event === EVENT_COMPLETED && (list & 1) === 0 && seeder) this.downloaded++;
      this.removeLocation(peerId, previous);
    } else if (event === EVENT_COMPLETED) {
      this.downloaded++;
    }
    let peers = this.lists[target];
    if (peers === null) peers = this.lists[target] = new PeerList(addrLength);
    const location = peers.push(peerId, addr, expires) * 4 + target;
    this.index.set(peerId, location);
    return location;
  }

  private removeLocation(peerId: string, location: number): void {
    const list = this.lists[location & 3]!;
    const moved = list.removeAt(location >>> 2);
    this.index.delete(peerId);
    if (moved !== undefined) this.index.set(moved, location);
  }

  /**
   * How many peers of one family (`v6` false: IPv4) an announcer at `self` (a location, or
   * -1) can be given: seeders get only leechers, leechers get both; never themselves.
   */
  available(v6: boolean, seederAsking: boolean, self: number): number {
    const base = v6 ? LEECH6 : LEECH4;
    let total = this.lists[base]?.count ?? 0;
    if (!seederAsking) total += this.lists[base + 1]?.count ?? 0;
    if (self >= 0 && ((self & 3) === base || (!seederAsking && (self & 3) === base + 1))) total--;
    return total;
  }

  /**
   * Writes `n` (≤ available(...)) compact peers of one family into `out` at `offset`, as
   * windows at random starts, split between seeders and leechers in proportion. Returns
   * the offset after the last byte written.
   */
  copyPeers(v6: boolean, seederAsking: boolean, self: number, n: number, out: Uint8Array, offset: number): number {
    if (n <= 0) return offset;
    const plan = this.plan(v6, seederAsking, self, n);
    if (plan.fromSeeders > 0) offset = copyWindow(plan.seeders!, plan.fromSeeders, plan.seedSkip, out, offset);
    if (n > plan.fromSeeders) offset = copyWindow(plan.leechers!, n - plan.fromSeeders, plan.leechSkip, out, offset);
    return offset;
  }

  /** The same choice as copyPeers, as (list, slot) pairs: non-compact answers need the peer ids. */
  pickPeers(v6: boolean, seederAsking: boolean, self: number, n: number): Array<{ list: PeerList; slot: number }> {
    const picked: Array<{ list: PeerList; slot: number }> = [];
    if (n <= 0) return picked;
    const plan = this.plan(v6, seederAsking, self, n);
    const { seeders, leechers } = plan;
    if (plan.fromSeeders > 0) {
      forEachRun(seeders!.count, plan.fromSeeders, plan.seedSkip, (from, to) => {
        for (let slot = from; slot < to; slot++) picked.push({ list: seeders!, slot });
      });
    }
    if (n > plan.fromSeeders) {
      forEachRun(leechers!.count, n - plan.fromSeeders, plan.leechSkip, (from, to) => {
        for (let slot = from; slot < to; slot++) picked.push({ list: leechers!, slot });
      });
    }
    return picked;
  }

  private plan(v6: boolean, seederAsking: boolean, self: number, n: number) {
    const base = v6 ? LEECH6 : LEECH4;
    const leechers = this.lists[base];
    const seeders = seederAsking ? null : this.lists[base + 1];
    const leechSkip = self >= 0 && (self & 3) === base ? self >>> 2 : -1;
    const seedSkip = self >= 0 && (self & 3) === base + 1 ? self >>> 2 : -1;
    const leechAvail = (leechers?.count ?? 0) - (leechSkip >= 0 ? 1 : 0);
    const seedAvail = (seeders?.count ?? 0) - (seedSkip >= 0 ? 1 : 0);
    let fromSeeders = seedAvail === 0 ? 0 : leechAvail === 0 ? n : Math.round((n * seedAvail) / (seedAvail + leechAvail));
    if (fromSeeders > seedAvail) fromSeeders = seedAvail;
    if (n - fromSeeders > leechAvail) fromSeeders = n - leechAvail;
    return { leechers, seeders, leechSkip, seedSkip, fromSeeders };
  }

  /** Drops HTTP/UDP peers whose announce is older than their time to live. Returns how many. */
  expire(now: number): number {
    let removed = 0;
    for (let l = 0; l < 4; l++) {
      const list = this.lists[l];
      if (list === null) continue;
      for (let slot = list.count - 1; slot >= 0; slot--) {
        if (list.expires[slot] > now) continue;
        const id = list.ids[slot];
        const moved = list.removeAt(slot);
        this.index.delete(id);
        // Walking down, the peer moved into `slot` came from above and was already kept.
        if (moved !== undefined) this.index.set(moved, slot * 4 + l);
        removed++;
      }
      if (list.count === 0) this.lists[l] = null;
    }
    return removed;
  }

  // WebSocket members ------------------------------------------------------------------

  wsGet(peerId: string): WsMember<C> | undefined {
    return this.wsById?.get(peerId);
  }

  /** Adds or refreshes a WebTorrent peer; a peer id announced from a new connection moves to it. */
  wsAnnounce(peerId: string, conn: C, seeder: boolean, event: AnnounceEvent, expires: number): WsMember<C> | null {
    const existing = this.wsById?.get(peerId);
    if (event === EVENT_STOPPED) {
      if (existing !== undefined && existing.conn === conn) this.wsRemove(existing);
      return null;
    }
    if (existing !== undefined && existing.conn === conn) {
      if (!existing.seeder && seeder) {
        if (event === EVENT_COMPLETED) this.downloaded++;
        this.wsSeeders++;
      } else if (existing.seeder && !seeder) {
        this.wsSeeders--;
      }
      existing.seeder = seeder;
      existing.expires = expires;
      return existing;
    }
    if (existing !== undefined) this.wsRemove(existing);
    if (event === EVENT_COMPLETED) this.downloaded++;
    if (this.wsById === null) {
      this.wsById = new Map();
      this.wsList = [];
    }
    const member: WsMember<C> = { conn, peerId, swarm: this, slot: this.wsList!.length, seeder, expires };
    this.wsList!.push(member);
    this.wsById.set(peerId, member);
    if (seeder) this.wsSeeders++;
    return member;
  }

  /** Returns false if the member was no longer there (already replaced or removed). */
  wsRemove(member: WsMember<C>): boolean {
    const list = this.wsList;
    if (list === null || list[member.slot] !== member) return false;
    const last = list.pop()!;
    if (last !== member) {
      list[member.slot] = last;
      last.slot = member.slot;
    }
    this.wsById!.delete(member.peerId);
    if (member.seeder) this.wsSeeders--;
    if (list.length === 0) {
      this.wsById = null;
      this.wsList = null;
    }
    return true;
  }

  /** Up to `n` other WebTorrent peers, from a random start (offers go to them). */
  wsPick(self: WsMember<C> | null, n: number): Array<WsMember<C>> {
    const list = this.wsList;
    if (list === null) return [];
    const others = list.length - (self !== null && list[self.slot] === self ? 1 : 0);
    const count = Math.min(n, others);
    const picked: Array<WsMember<C>> = [];
    if (count <= 0) return picked;
    forEachRun(list.length, count, self !== null && list[self.slot] === self ? self.slot : -1, (from, to) => {
      for (let s = from; s < to; s++) picked.push(list[s]);
    });
    return picked;
  }

  /** Drops WebTorrent members that stopped announcing; calls `onRemoved` for each. */
  wsExpire(now: number, onRemoved: (member: WsMember<C>) => void): number {
    const list = this.wsList;
    if (list === null) return 0;
    let removed = 0;
    for (let slot = list.length - 1; slot >= 0 && this.wsList !== null; slot--) {
      const member = list[slot];
      if (member === undefined || member.expires > now) continue;
      this.wsRemove(member);
      onRemoved(member);
      removed++;
    }
    return removed;
  }
}

/** Scratch for windowRuns: [from0, to0, from1, to1, …]. */
const RUNS = new Int32Array(12);

/**
 * Splits a window of `n` slots of a list of `m` into contiguous runs [from, to) written to
 * `out` (12 entries), starting at slot `start`, wrapping around, and leaving out `skip`
 * (-1: none); returns the number of runs. Requires n ≤ m - (skip ≥ 0 ? 1 : 0).
 */
export function windowRuns(m: number, n: number, skip: number, start: number, out: Int32Array = RUNS): number {
  let remaining = n;
  let s = start;
  let runs = 0;
  // At most three runs: up to skip, from skip to the end, from 0 (after a wrap); a guard
  // keeps a caller's broken precondition from looping for ever.
  for (let guard = 0; remaining > 0 && guard < 6; guard++) {
    let end = m;
    if (skip >= s && skip < end) end = skip;
    const take = Math.min(remaining, end - s);
    if (take > 0) {
      out[2 * runs] = s;
      out[2 * runs + 1] = s + take;
      runs++;
      remaining -= take;
      s += take;
    }
    if (remaining === 0) break;
    if (s === skip) s++;
    if (s >= m) s = 0;
  }
  return runs;
}

export function forEachRun(m: number, n: number, skip: number, visit: (from: number, to: number) => void): void {
  const runs = windowRuns(m, n, skip, (Math.random() * m) | 0);
  const copy = RUNS.slice(0, 2 * runs);
  for (let r = 0; r < runs; r++) visit(copy[2 * r], copy[2 * r + 1]);
}

function copyWindow(list: PeerList, n: number, skip: number, out: Uint8Array, offset: number): number {
  const stride = list.stride;
  const runs = windowRuns(list.count, n, skip, (Math.random() * list.count) | 0);
  for (let r = 0; r < runs; r++) {
    const from = RUNS[2 * r] * stride;
    const to = RUNS[2 * r + 1] * stride;
    list.addrs.copy(out, offset, from, to);
    offset += to - from;
  }
  return offset;
}

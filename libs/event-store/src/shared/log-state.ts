import type { EventRow } from './event-row.js';

export interface OriginHead {
  seq: number;
  hash: string;
}

/**
 * What the writer needs to know about the log to place new events. Read inside the write
 * transaction (SQLite: the one connection; PostgreSQL: under the writers' advisory lock),
 * so nothing changes under the planner's feet except by its own writes.
 */
export interface LogState {
  headPosition(): number;
  originHead(origin: string): OriginHead | null;
  /** Number of events in the stream, 0 when it does not exist. */
  streamVersion(stream: string): number;
  /** The stored body of the event with this id, or undefined when the id is free. */
  bodyOf(id: string): string | undefined;
}

/**
 * The rows one append call is about to insert, seen through the state below them: a call's
 * second event chains on its first, and a failed call is forgotten by dropping its overlay.
 */
export class WriteOverlay implements LogState {
  readonly rows: EventRow[] = [];
  private position: number;
  private readonly heads = new Map<string, OriginHead>();
  private readonly versions = new Map<string, number>();
  private readonly bodies = new Map<string, string>();

  constructor(private readonly base: LogState) {
    this.position = base.headPosition();
  }

  headPosition(): number {
    return this.position;
  }

  originHead(origin: string): OriginHead | null {
    return this.heads.get(origin) ?? this.base.originHead(origin);
  }

  streamVersion(stream: string): number {
    return this.versions.get(stream) ?? this.base.streamVersion(stream);
  }

  bodyOf(id: string): string | undefined {
    return this.bodies.get(id) ?? this.base.bodyOf(id);
  }

  /** Places a row after everything seen so far: next position, next stream version. */
  add(row: Omit<EventRow, 'position' | 'streamVersion'>): EventRow {
    const placed: EventRow = { ...row, position: this.position + 1, streamVersion: this.streamVersion(row.stream) + 1 };
    this.position = placed.position;
    this.heads.set(row.origin, { seq: row.originSeq, hash: row.hash });
    this.versions.set(row.stream, placed.streamVersion);
    this.bodies.set(row.id, row.body);
    this.rows.push(placed);
    return placed;
  }
}

/** Heads and stream versions known from before the transaction (PostgreSQL's write cache). */
export interface KnownState {
  heads: ReadonlyMap<string, OriginHead | null>;
  versions: ReadonlyMap<string, number>;
}

/**
 * State loaded once per write transaction for every key the batch will touch (one round
 * trip on PostgreSQL), over what was already known, then kept current with the rows each
 * committed call inserted. Its own maps hold only what this transaction loaded or wrote.
 */
export class PreloadedLogState implements LogState {
  constructor(
    private position: number,
    private readonly heads: Map<string, OriginHead | null>,
    private readonly versions: Map<string, number>,
    private readonly bodies: Map<string, string | undefined>,
    private readonly known: KnownState = { heads: new Map(), versions: new Map() },
  ) {}

  headPosition(): number {
    return this.position;
  }

  originHead(origin: string): OriginHead | null {
    return this.lookup(this.heads, this.known.heads, origin, 'origin');
  }

  streamVersion(stream: string): number {
    return this.lookup(this.versions, this.known.versions, stream, 'stream');
  }

  bodyOf(id: string): string | undefined {
    return this.lookup(this.bodies, new Map(), id, 'id');
  }

  /** What this transaction loaded or wrote, to merge into the cache after COMMIT. */
  snapshot(): { head: number; heads: ReadonlyMap<string, OriginHead | null>; versions: ReadonlyMap<string, number> } {
    return { head: this.position, heads: this.heads, versions: this.versions };
  }

  apply(rows: readonly EventRow[]): void {
    for (const row of rows) {
      this.position = Math.max(this.position, row.position);
      this.heads.set(row.origin, { seq: row.originSeq, hash: row.hash });
      this.versions.set(row.stream, row.streamVersion);
      this.bodies.set(row.id, row.body);
    }
  }

  private lookup<V>(own: ReadonlyMap<string, V>, known: ReadonlyMap<string, V>, key: string, what: string): V {
    if (own.has(key)) return own.get(key) as V;
    if (known.has(key)) return known.get(key) as V;
    // A miss means the batch's keys were collected wrongly: guessing would corrupt the chain.
    throw new Error(`write state was not loaded for ${what} ${key}`);
  }
}

import Database from 'better-sqlite3';
import pg from 'pg';
import type { EventSealer } from '@swarmtube/event-store';
import { createSchema } from '@swarmtube/event-store';
import type { EventRow } from '@swarmtube/event-store';
import { SQLITE_EVENTS_DDL } from '@swarmtube/event-store';
import { benchData, BENCH_STREAMS, rowOf } from './prebuilt-rows.js';

/**
 * The anchors: plain driver inserts of the same rows into the same table, with the same
 * durability settings, written the way one would by hand (prepared statement, explicit
 * transaction). Nothing of the store is used but its DDL.
 */

const COLUMNS = 'position, id, stream, stream_version, origin, origin_seq, type, hash, body';
const rowValues = (r: EventRow) => [r.position, r.id, r.stream, r.streamVersion, r.origin, r.originSeq, r.type, r.hash, r.body];

export interface RawSqlite {
  insertOne(row: EventRow): void;
  insertMany(rows: readonly EventRow[]): void;
  close(): void;
}

export function openRawSqlite(path: string, synchronous: 'NORMAL' | 'FULL'): RawSqlite {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.exec(SQLITE_EVENTS_DDL);
  const insert = db.prepare(`INSERT INTO events (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertOne = db.transaction((row: EventRow) => insert.run(...rowValues(row)));
  const insertMany = db.transaction((rows: readonly EventRow[]) => {
    for (const row of rows) insert.run(...rowValues(row));
  });
  return { insertOne, insertMany, close: () => db.close() };
}

export interface RawPostgres {
  insertOne(row: EventRow): Promise<void>;
  insertMany(rows: readonly EventRow[]): Promise<void>;
  close(): Promise<void>;
}

export async function openRawPostgres(url: string, schema: string): Promise<RawPostgres> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  await createSchema(client, schema);
  const one = `INSERT INTO events (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;
  const many = `INSERT INTO events (${COLUMNS})
    SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::text[])`;
  return {
    async insertOne(row) {
      await client.query('BEGIN');
      await client.query({ name: 'raw-one', text: one, values: rowValues(row) });
      await client.query('COMMIT');
    },
    async insertMany(rows) {
      const columns: unknown[][] = Array.from({ length: 9 }, () => []);
      for (const row of rows) rowValues(row).forEach((value, i) => columns[i].push(value));
      await client.query('BEGIN');
      await client.query({ name: 'raw-many', text: many, values: columns });
      await client.query('COMMIT');
    },
    close: () => client.end(),
  };
}

/**
 * The same rows signed just before they are inserted, as a hand-written log would have to:
 * the second anchor, which separates the store's own overhead from the cost of Ed25519.
 */
export class JustInTimeRows {
  private previous: EventRow | undefined;
  private readonly versions = new Map<string, number>();
  private position = 0;

  constructor(private readonly sealer: EventSealer) {}

  next(): EventRow {
    const i = this.position++;
    const stream = `video:${i % BENCH_STREAMS}`;
    const envelope = this.sealer.seal({
      id: `urn:uuid:${crypto.randomUUID()}`,
      type: 'VideoPublished',
      schemaVersion: 1,
      origin: this.sealer.origin,
      originSeq: i + 1,
      prevHash: this.previous?.hash ?? null,
      stream,
      occurredAt: new Date().toISOString(),
      data: benchData(i),
    });
    const version = (this.versions.get(stream) ?? 0) + 1;
    this.versions.set(stream, version);
    this.previous = rowOf(envelope, i + 1, version);
    return this.previous;
  }
}

import type Database from 'better-sqlite3';
import type { EventRow } from '../shared/event-row.js';
import type { LogState, OriginHead } from '../shared/log-state.js';

/** The log's state read live: same connection as the writer, so it sees the open transaction. */
export class SqliteLogState implements LogState {
  private readonly head: Database.Statement<[], { p: number }>;
  private readonly originHeadStatement: Database.Statement<[string], { origin_seq: number; hash: string }>;
  private readonly streamVersionStatement: Database.Statement<[string], { v: number }>;
  private readonly bodyStatement: Database.Statement<[string], { body: string }>;
  private readonly insertStatement: Database.Statement;

  constructor(db: Database.Database) {
    this.head = db.prepare('SELECT COALESCE(MAX(position), 0) AS p FROM events');
    this.originHeadStatement = db.prepare('SELECT origin_seq, hash FROM events WHERE origin = ? ORDER BY origin_seq DESC LIMIT 1');
    this.streamVersionStatement = db.prepare('SELECT COALESCE(MAX(stream_version), 0) AS v FROM events WHERE stream = ?');
    this.bodyStatement = db.prepare('SELECT body FROM events WHERE id = ?');
    this.insertStatement = db.prepare(
      'INSERT INTO events (position, id, stream, stream_version, origin, origin_seq, type, hash, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  headPosition(): number {
    return this.head.get()!.p;
  }

  originHead(origin: string): OriginHead | null {
    const row = this.originHeadStatement.get(origin);
    return row ? { seq: row.origin_seq, hash: row.hash } : null;
  }

  streamVersion(stream: string): number {
    return this.streamVersionStatement.get(stream)!.v;
  }

  bodyOf(id: string): string | undefined {
    return this.bodyStatement.get(id)?.body;
  }

  insert(row: EventRow): void {
    this.insertStatement.run(row.position, row.id, row.stream, row.streamVersion, row.origin, row.originSeq, row.type, row.hash, row.body);
  }
}

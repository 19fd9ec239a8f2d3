import Database from 'better-sqlite3';
import { CorruptStoreError, StoreUnavailableError } from '../errors.js';
import { isCorruptionError } from './sqlite-errors.js';

export type SqliteSynchronous = 'NORMAL' | 'FULL';

/** The events table; benchmarks build their raw anchor on the very same DDL. */
export const SQLITE_EVENTS_DDL = `
CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  stream TEXT NOT NULL,
  stream_version INTEGER NOT NULL,
  origin TEXT NOT NULL,
  origin_seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  hash TEXT NOT NULL,
  body TEXT NOT NULL,
  UNIQUE (stream, stream_version),
  UNIQUE (origin, origin_seq)
);
`;

/**
 * Opens (or creates) a pod's log file and proves it is sound before anything reads it: a
 * file that is not a database, is truncated or fails quick_check is refused with
 * CorruptStoreError rather than served half-broken.
 *
 * A zero-length file is, for SQLite, an empty database: it cannot be told from a new one.
 */
export function openSqliteDatabase(path: string, synchronous: SqliteSynchronous): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (error) {
    if (isCorruptionError(error)) throw corrupt(path, error);
    throw new StoreUnavailableError(`cannot open the event log ${path}: ${(error as Error).message}`, error);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    const problems = (db.pragma('quick_check') as Array<{ quick_check: string }>).map((row) => row.quick_check);
    if (problems.length !== 1 || problems[0] !== 'ok') {
      throw new CorruptStoreError(`${path} failed its integrity check (${problems.slice(0, 3).join('; ')}): restore it from a backup or replay the log from a peer`);
    }
    db.exec(SQLITE_EVENTS_DDL);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof CorruptStoreError) throw error;
    if (isCorruptionError(error)) throw corrupt(path, error);
    throw new StoreUnavailableError(`cannot open the event log ${path}: ${(error as Error).message}`, error);
  }
}

function corrupt(path: string, cause: unknown): CorruptStoreError {
  return new CorruptStoreError(
    `${path} is not a usable SQLite database (${(cause as Error).message}): restore it from a backup or replay the log from a peer`,
    cause,
  );
}

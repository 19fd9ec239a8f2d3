import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { StoreConfigError } from './errors.js';
import type { EventSealer, OpenedEventStore } from './event-store.port.js';
import { openPostgresEventStore } from './postgres/postgres-event-store.js';
import type { SqliteSynchronous } from './sqlite/open-sqlite-database.js';
import { openSqliteEventStore } from './sqlite/sqlite-event-store.js';

export * from './errors.js';
export * from './event-store.port.js';
export * from './read-model-database.port.js';
export { openSqliteEventStore, SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store.js';
export { openPostgresEventStore, PostgresEventStore, type PostgresEventStoreOptions } from './postgres/postgres-event-store.js';

/** The SQLite file's name inside a pod's data folder. */
export const SQLITE_FILE_NAME = 'events.sqlite';

export interface OpenEventStoreOptions {
  /** `sqlite` (one file in dataDir) or a `postgres://` / `postgresql://` URL. */
  database: string;
  dataDir: string;
  sealer: EventSealer;
  /** PostgreSQL only: the schema holding the log and read models (default `public`). */
  schema?: string;
  /** PostgreSQL only: connections opened at most (default 10). */
  poolSize?: number;
  /** SQLite only: FULL (default) or NORMAL. */
  synchronous?: SqliteSynchronous;
}

/**
 * Opens the pod's log where its config says.
 * @throws StoreConfigError for an unknown `database`, CorruptStoreError for a damaged
 * SQLite file, StoreUnavailableError when the database cannot be reached.
 */
export async function openEventStore(options: OpenEventStoreOptions): Promise<OpenedEventStore> {
  const { database } = options;
  if (database === 'sqlite') {
    mkdirSync(options.dataDir, { recursive: true });
    return openSqliteEventStore({ path: join(options.dataDir, SQLITE_FILE_NAME), sealer: options.sealer, synchronous: options.synchronous });
  }
  if (/^postgres(ql)?:\/\//.test(database)) {
    return openPostgresEventStore({ url: database, schema: options.schema, sealer: options.sealer, poolSize: options.poolSize });
  }
  throw new StoreConfigError(`database must be 'sqlite' or a postgres:// URL, got ${JSON.stringify(database)}`);
}
export * from './postgres/postgres-schema.js';
export * from './shared/event-row.js';
export * from './sqlite/open-sqlite-database.js';

import type { SqlStatement } from '@swarmtube/event-store';

/**
 * The runner's own tables, next to the read models so that they commit with them:
 * - projection_checkpoints: the last position each model has applied, under which version;
 * - projection_parked: events a model could not apply (recorded with the error, skipped);
 * - projection_rebuilds: models being rebuilt from 0 in their rebuild form (RebuildForm),
 *   which still have to be turned into their final form.
 */
export const BOOKKEEPING: SqlStatement[] = [
  {
    sql: `CREATE TABLE IF NOT EXISTS projection_checkpoints (
      name TEXT PRIMARY KEY, version INTEGER NOT NULL, position BIGINT NOT NULL, updated_at TEXT NOT NULL)`,
  },
  {
    sql: `CREATE TABLE IF NOT EXISTS projection_parked (
      name TEXT NOT NULL, position BIGINT NOT NULL, event_id TEXT NOT NULL, error TEXT NOT NULL,
      parked_at TEXT NOT NULL, PRIMARY KEY (name, position))`,
  },
  { sql: `CREATE TABLE IF NOT EXISTS projection_rebuilds (name TEXT PRIMARY KEY, version INTEGER NOT NULL)` },
];

export function checkpoint(name: string, version: number, position: number): SqlStatement {
  return {
    sql: `INSERT INTO projection_checkpoints (name, version, position, updated_at) VALUES ($1, $2, $3, $4)
          ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = excluded.position, updated_at = excluded.updated_at`,
    params: [name, version, position, new Date().toISOString()],
  };
}

export function park(name: string, position: number, eventId: string, error: unknown): SqlStatement {
  return {
    sql: `INSERT INTO projection_parked (name, position, event_id, error, parked_at) VALUES ($1, $2, $3, $4, $5)
          ON CONFLICT (name, position) DO NOTHING`,
    params: [name, position, eventId, String((error as Error)?.message ?? error).slice(0, 2000), new Date().toISOString()],
  };
}

export function rebuildStarted(name: string, version: number): SqlStatement {
  return { sql: `INSERT INTO projection_rebuilds (name, version) VALUES ($1, $2)`, params: [name, version] };
}

export function rebuildEnded(name: string): SqlStatement {
  return { sql: `DELETE FROM projection_rebuilds WHERE name = $1`, params: [name] };
}

import { createHash } from 'node:crypto';
import type { ReadModelDatabase } from '@swarmtube/event-store';
import { MIGRATIONS, statements, type Migration } from './migrations.js';

/** The data was written by a newer version of the pod, or its recorded migrations differ from this code's. */
export class MigrationRefusedError extends Error {
  readonly code = 'migration-refused';
}

/** A migration failed: its transaction rolled back, the database is at the previous version. */
export class MigrationFailedError extends Error {
  readonly code = 'migration-failed';
}

export interface AppliedMigration {
  version: number;
  name: string;
  appliedAt: string;
  checksum: string;
}

export function checksumOf(migration: Pick<Migration, 'version' | 'name' | 'sql'>): string {
  return createHash('sha256').update(JSON.stringify([migration.version, migration.name, migration.sql])).digest('hex');
}

const CREATE_RECORDS = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL, checksum TEXT NOT NULL)`;

export async function appliedMigrations(db: ReadModelDatabase): Promise<AppliedMigration[]> {
  await db.execute([{ sql: CREATE_RECORDS }]);
  const rows = await db.query<{ version: number | string; name: string; applied_at: string; checksum: string }>(
    'SELECT version, name, applied_at, checksum FROM schema_migrations ORDER BY version',
  );
  return rows.map((row) => ({ version: Number(row.version), name: row.name, appliedAt: row.applied_at, checksum: row.checksum }));
}

/**
 * Brings the local-state tables to this code's version, one migration per transaction (its
 * statements and its record commit together, so a failure leaves the previous version whole).
 * Refuses data newer than the code, and recorded migrations whose text is not this code's.
 * The caller holds the data lock (data-lock.ts), so no other process migrates meanwhile.
 */
export async function migrate(
  db: ReadModelDatabase,
  migrations: readonly Migration[] = MIGRATIONS,
  now: () => Date = () => new Date(),
): Promise<{ from: number; to: number; applied: number[] }> {
  const applied = await appliedMigrations(db);
  const latest = migrations.at(-1)?.version ?? 0;
  const current = applied.at(-1)?.version ?? 0;
  if (current > latest) {
    const newest = applied.at(-1)!;
    throw new MigrationRefusedError(
      `the data is at schema version ${current} ("${newest.name}", applied ${newest.appliedAt}) but this swarmtube knows versions up to ${latest}: ` +
        'it was written by a newer swarmtube; run that version, or restore a backup made before the upgrade',
    );
  }
  for (const record of applied) {
    const known = migrations.find((migration) => migration.version === record.version);
    if (!known || checksumOf(known) !== record.checksum) {
      throw new MigrationRefusedError(
        `schema migration ${record.version} ("${record.name}") recorded in the data differs from this swarmtube's ${known ? `("${known.name}")` : '(unknown)'}: the data was not written by this line of versions`,
      );
    }
  }
  const done: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    const sql = migration.plan ? await migration.plan(db) : migration.sql;
    try {
      await db.execute([
        ...statements(sql),
        {
          sql: 'INSERT INTO schema_migrations (version, name, applied_at, checksum) VALUES ($1, $2, $3, $4)',
          params: [migration.version, migration.name, now().toISOString(), checksumOf(migration)],
        },
      ]);
    } catch (error) {
      throw new MigrationFailedError(
        `schema migration ${migration.version} ("${migration.name}") failed and was rolled back (data stays at version ${done.at(-1) ?? current}): ${(error as Error).message}`,
        { cause: error },
      );
    }
    done.push(migration.version);
  }
  return { from: current, to: Math.max(current, latest), applied: done };
}

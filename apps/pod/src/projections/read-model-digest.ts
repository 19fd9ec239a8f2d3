import { canonicalize, sha256Hex } from '@swarmtube/event-envelope';
import type { ReadModelDatabase } from '@swarmtube/event-store';
import type { Projection } from './projection.js';

/**
 * A digest of a read model's rows, independent of the dialect: PostgreSQL returns BIGINT as
 * a string where SQLite returns a number, so every value is compared as text.
 */
export async function digestReadModel(db: ReadModelDatabase, projection: Projection): Promise<{ digest: string; rows: number }> {
  const hash = [];
  let rows = 0;
  for (const table of projection.tables) {
    const records = await db.query(`SELECT * FROM ${table.name} ORDER BY ${table.orderBy}`);
    rows += records.length;
    for (const record of records) {
      const normalized: Record<string, string | null> = {};
      for (const [column, value] of Object.entries(record)) normalized[column] = value === null || value === undefined ? null : String(value);
      hash.push(table.name + ' ' + canonicalize(normalized));
    }
  }
  return { digest: sha256Hex(hash.join('\n')), rows };
}

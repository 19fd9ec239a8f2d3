import type pg from 'pg';
import type { ExecuteOptions, ReadModelDatabase, SqlStatement } from '../read-model-database.port.js';
import { batchStatements } from './postgres-statement-batch.js';

/**
 * Read models in the log's schema: `execute` takes a pooled client and runs one transaction.
 *
 * Bulk transactions (a rebuild, a catch-up) commit without waiting for their WAL flush
 * (synchronous_commit off, for that transaction only), as SQLite read-model commits do: a read
 * model and its checkpoint commit together, so a crash can only take both back to an earlier
 * consistent point, from which the projection re-applies the log; and the log's own commits
 * still wait for the flush of all the WAL before them.
 */
export class PostgresReadModelDatabase implements ReadModelDatabase {
  readonly dialect = 'postgres' as const;

  constructor(
    private readonly pool: pg.Pool,
    private readonly guard: <T>(work: () => Promise<T>) => Promise<T>,
  ) {}

  execute(statements: readonly SqlStatement[], options: ExecuteOptions = {}): Promise<void> {
    return this.guard(async () => {
      const client = await this.pool.connect();
      let broken = false;
      try {
        const texts = batchStatements(statements);
        await client.query(options.bulk ? 'BEGIN; SET LOCAL synchronous_commit = off' : 'BEGIN');
        for (const text of texts) await client.query(text);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw error;
      } finally {
        client.release(broken);
      }
    });
  }

  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return this.guard(async () => (await this.pool.query(sql, params as unknown[] | undefined)).rows as T[]);
  }
}

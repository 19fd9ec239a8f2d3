import type pg from 'pg';
import type { ReadModelDatabase, SqlStatement } from '../read-model-database.port.js';
import { batchStatements } from './postgres-statement-batch.js';

/** Read models in the log's schema: `execute` takes a pooled client and runs one transaction. */
export class PostgresReadModelDatabase implements ReadModelDatabase {
  readonly dialect = 'postgres' as const;

  constructor(
    private readonly pool: pg.Pool,
    private readonly guard: <T>(work: () => Promise<T>) => Promise<T>,
  ) {}

  execute(statements: readonly SqlStatement[]): Promise<void> {
    return this.guard(async () => {
      const client = await this.pool.connect();
      let broken = false;
      try {
        const texts = batchStatements(statements);
        await client.query('BEGIN');
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

/**
 * Where read models live: the same database as the log (one SQLite file, or one
 * PostgreSQL schema). Projections describe their writes as statements, so one projection
 * runs on both dialects and its writes commit atomically with its checkpoint.
 *
 * SQL uses `$1, $2, …` placeholders on both dialects; the SQLite adapter rewrites them.
 */
export interface SqlStatement {
  sql: string;
  params?: readonly unknown[];
}

export interface ReadModelDatabase {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs the statements in one transaction: all or nothing. */
  execute(statements: readonly SqlStatement[]): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

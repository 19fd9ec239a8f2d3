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

export interface ExecuteOptions {
  /**
   * One of many large transactions in a row (a projection catching up with the log or being
   * rebuilt): the adapter may trade work between commits for throughput, never durability.
   */
  bulk?: boolean;
}

export interface ReadModelDatabase {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs the statements in one transaction: all or nothing. */
  execute(statements: readonly SqlStatement[], options?: ExecuteOptions): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

import type Database from 'better-sqlite3';
import type { ExecuteOptions, ReadModelDatabase, SqlStatement } from '../read-model-database.port.js';
import { bindParameters, rewriteDollarParameters, type RewrittenSql } from './sqlite-parameters.js';

const STATEMENT_CACHE_SIZE = 500;

/**
 * WAL pages after which a bulk commit checkpoints (the connection's default is 1,000, 4 MB).
 * A rebuild at 2,000 events per commit spent more time in checkpoints, each with its fsyncs,
 * than in its inserts; a larger WAL between them costs disk space only (64 MB at most here),
 * and the checkpoint still runs, so the WAL does not grow without bound (SQLite reuses the
 * file afterwards rather than shrinking it).
 */
const BULK_WAL_AUTOCHECKPOINT = 16_384;

interface Prepared {
  rewritten: RewrittenSql;
  statement: Database.Statement;
}

/**
 * Read models in the log's own file. `execute` runs synchronously in one transaction:
 * the log's writer is synchronous too, so the two can never interleave.
 *
 * Read-model commits do not wait for fsync (synchronous=NORMAL for their transaction only):
 * a read model and its checkpoint commit together, so a power cut can only take both back
 * to an earlier consistent point, from which the projection re-applies the log. The log's own
 * commits keep the store's setting (FULL by default), and each of them syncs the WAL,
 * read-model frames before it included.
 *
 * Bulk transactions (a rebuild) checkpoint the WAL less often; that setting is restored after
 * each of them, so the log's own commits checkpoint as usual.
 */
export class SqliteReadModelDatabase implements ReadModelDatabase {
  readonly dialect = 'sqlite' as const;
  private readonly cache = new Map<string, Prepared>();

  constructor(
    private readonly db: Database.Database,
    private readonly guard: <T>(work: () => T) => T,
  ) {}

  private logSynchronous: number | undefined;
  private autocheckpoint: number | undefined;

  async execute(statements: readonly SqlStatement[], options: ExecuteOptions = {}): Promise<void> {
    this.guard(() => {
      this.logSynchronous ??= this.db.pragma('synchronous', { simple: true }) as number;
      this.autocheckpoint ??= this.db.pragma('wal_autocheckpoint', { simple: true }) as number;
      // 1 is NORMAL: lower only, never raise a store opened with synchronous=OFF.
      const relaxed = this.logSynchronous > 1;
      // 0 is "never": only raise a positive interval.
      const spaced = options.bulk === true && this.autocheckpoint > 0 && this.autocheckpoint < BULK_WAL_AUTOCHECKPOINT;
      if (relaxed) this.db.pragma('synchronous = NORMAL');
      if (spaced) this.db.pragma(`wal_autocheckpoint = ${BULK_WAL_AUTOCHECKPOINT}`);
      try {
        this.db.transaction(() => {
          for (const statement of statements) this.run(statement.sql, statement.params);
        })();
      } finally {
        if (relaxed) this.db.pragma(`synchronous = ${this.logSynchronous}`);
        if (spaced) this.db.pragma(`wal_autocheckpoint = ${this.autocheckpoint}`);
      }
    });
  }

  async query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return this.guard(() => this.run(sql, params) as T[]);
  }

  private run(sql: string, params: readonly unknown[] | undefined): unknown[] {
    const prepared = this.prepare(sql, params);
    if (prepared === null) {
      this.db.exec(sql);
      return [];
    }
    const values = bindParameters(prepared.rewritten, params);
    if (prepared.statement.reader) return prepared.statement.all(...values);
    prepared.statement.run(...values);
    return [];
  }

  /** null: a parameterless script of several statements (DDL), which only exec can run. */
  private prepare(sql: string, params: readonly unknown[] | undefined): Prepared | null {
    const cached = this.cache.get(sql);
    if (cached) return cached;
    const rewritten = rewriteDollarParameters(sql);
    let statement: Database.Statement;
    try {
      statement = this.db.prepare(rewritten.sql);
    } catch (error) {
      if ((params ?? []).length === 0 && error instanceof RangeError && /more than one statement/.test(error.message)) return null;
      throw error;
    }
    if (this.cache.size >= STATEMENT_CACHE_SIZE) this.cache.clear();
    const prepared = { rewritten, statement };
    this.cache.set(sql, prepared);
    return prepared;
  }
}

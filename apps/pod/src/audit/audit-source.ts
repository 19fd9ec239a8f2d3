import Database from 'better-sqlite3';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { SQLITE_FILE_NAME } from '@swarmtube/event-store';
import type { ReadModelDatabase, SqlStatement } from '@swarmtube/event-store';

/** One stored event as the auditor sees it: its position and its exact bytes. */
export interface RawEvent {
  position: number;
  body: string;
}

/**
 * What an audit reads: the log's raw bytes in order and, for a live pod's database, its read
 * models. Read directly, not through the store, so the audit does not trust the code it checks.
 */
export interface AuditSource {
  readonly description: string;
  events(): AsyncIterable<RawEvent>;
  /** Null for an export file, which has no read models. */
  readonly liveReadModels: ReadModelDatabase | null;
  close(): Promise<void>;
}

export class AuditSourceError extends Error {
  readonly code = 'audit-source';
}

const PAGE = 5000;

export async function openAuditSource(target: string, options: { schema?: string } = {}): Promise<AuditSource> {
  if (/^postgres(ql)?:\/\//.test(target)) return openPostgresSource(target, options.schema ?? 'public');
  if (!existsSync(target)) throw new AuditSourceError(`${target}: no such file or folder`);
  if (statSync(target).isDirectory()) {
    const file = join(target, SQLITE_FILE_NAME);
    if (!existsSync(file)) throw new AuditSourceError(`${target} holds no ${SQLITE_FILE_NAME}: not a pod's data folder (a PostgreSQL pod is audited by its DATABASE_URL)`);
    return openSqliteSource(file);
  }
  return openNdjsonSource(target);
}

function openSqliteSource(file: string): AuditSource {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.prepare('SELECT 1 FROM events LIMIT 1').get();
  } catch (error) {
    throw new AuditSourceError(`${file} is not a readable Swarmtube database: ${(error as Error).message}`);
  }
  const statements = new Map<string, Database.Statement>();
  const prepared = (sql: string) => statements.get(sql) ?? statements.set(sql, db.prepare(sql)).get(sql)!;
  return {
    description: `SQLite ${file}`,
    async *events() {
      let after = 0;
      for (;;) {
        const rows = prepared('SELECT position, body FROM events WHERE position > ? ORDER BY position LIMIT ?').all(after, PAGE) as RawEvent[];
        if (rows.length === 0) return;
        yield* rows;
        after = rows[rows.length - 1].position;
      }
    },
    liveReadModels: {
      dialect: 'sqlite',
      async execute(_statements: readonly SqlStatement[]) {
        throw new Error('the audit never writes to the audited database');
      },
      async query<T>(sql: string, params: readonly unknown[] = []) {
        return prepared(sql).all(namedParams(params)) as T[];
      },
    },
    async close() {
      db.close();
    },
  };
}

/** better-sqlite3 binds `$1` as the named parameter "1". */
export function namedParams(params: readonly unknown[]): Record<string, unknown> {
  const named: Record<string, unknown> = {};
  params.forEach((value, index) => (named[index + 1] = value));
  return named;
}

async function openPostgresSource(url: string, schema: string): Promise<AuditSource> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query(`SET search_path TO ${pg.escapeIdentifier(schema)}`);
    await client.query('SELECT 1 FROM events LIMIT 1');
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new AuditSourceError(`cannot read the event log at ${redact(url)} (schema ${schema}): ${(error as Error).message}`);
  }
  return {
    description: `PostgreSQL ${redact(url)} schema ${schema}`,
    async *events() {
      let after = 0;
      for (;;) {
        const { rows } = await client.query<{ position: string; body: string }>(
          'SELECT position, body FROM events WHERE position > $1 ORDER BY position LIMIT $2',
          [after, PAGE],
        );
        if (rows.length === 0) return;
        for (const row of rows) yield { position: Number(row.position), body: row.body };
        after = Number(rows[rows.length - 1].position);
      }
    },
    liveReadModels: {
      dialect: 'postgres',
      async execute() {
        throw new Error('the audit never writes to the audited database');
      },
      async query<T>(sql: string, params: readonly unknown[] = []) {
        return (await client.query(sql, params as unknown[])).rows as T[];
      },
    },
    async close() {
      await client.end();
    },
  };
}

function openNdjsonSource(file: string): AuditSource {
  return {
    description: `NDJSON export ${file}`,
    async *events() {
      const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
      let position = 0;
      for await (const line of lines) {
        if (line === '') continue;
        position += 1;
        yield { position, body: line };
      }
    },
    liveReadModels: null,
    async close() {},
  };
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

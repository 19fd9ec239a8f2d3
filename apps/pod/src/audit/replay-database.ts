import Database from 'better-sqlite3';
import type { ReadModelDatabase, SqlStatement } from '@swarmtube/event-store';
import { namedParams } from './audit-source.js';

/** Fresh read models in memory, for replays that must not touch the audited database. */
export function openReplayDatabase(): ReadModelDatabase & { close(): void } {
  const db = new Database(':memory:');
  const statements = new Map<string, Database.Statement>();
  const prepared = (sql: string) => statements.get(sql) ?? statements.set(sql, db.prepare(sql)).get(sql)!;
  const run = db.transaction((batch: readonly SqlStatement[]) => {
    for (const statement of batch) {
      const stmt = prepared(statement.sql);
      const params = namedParams(statement.params ?? []);
      if (stmt.reader) stmt.all(params);
      else stmt.run(params);
    }
  });
  return {
    dialect: 'sqlite',
    async execute(batch) {
      run(batch);
    },
    async query<T>(sql: string, params: readonly unknown[] = []) {
      return prepared(sql).all(namedParams(params)) as T[];
    },
    close: () => db.close(),
  };
}

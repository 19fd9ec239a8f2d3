import type { ReadModelDatabase, SqlStatement } from '@swarmtube/event-store';

/**
 * One numbered change to the pod's local state: the tables that cannot be rebuilt from the
 * log (accounts, tokens, upload jobs, delivery cursors, health scores). Read models and
 * projection bookkeeping are not here: their projections create them and a version bump
 * rebuilds them from the log.
 *
 * `sql` is the change as written (its checksum is recorded); `plan` may leave out statements
 * the database already reflects, for data written before migrations existed. Both run on
 * SQLite and PostgreSQL (TEXT, INTEGER, BIGINT, DOUBLE PRECISION mean the same on both).
 */
export interface Migration {
  version: number;
  name: string;
  sql: readonly string[];
  plan?(db: ReadModelDatabase): Promise<readonly string[]>;
}

async function columnsOf(db: ReadModelDatabase, table: string): Promise<Set<string>> {
  const rows =
    db.dialect === 'sqlite'
      ? await db.query<{ name: string }>(`SELECT name FROM pragma_table_info('${table}')`)
      : await db.query<{ name: string }>(
          `SELECT column_name AS name FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema()`,
          [table],
        );
  return new Set(rows.map((row) => row.name));
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    // IF NOT EXISTS: a database written before migrations (same tables, same columns) is adopted as is.
    name: 'local state as of 0.1.0',
    sql: [
      `CREATE TABLE IF NOT EXISTS local_accounts (
        username TEXT PRIMARY KEY, role TEXT NOT NULL, password_salt TEXT NOT NULL, password_hash TEXT NOT NULL, created_at TEXT NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS local_tokens (
        token_hash TEXT PRIMARY KEY, username TEXT NOT NULL, expires_at TEXT NOT NULL, created_at TEXT NOT NULL)`,
      // Names of deleted accounts stay taken: signed events name their author by username, so
      // a newcomer under the same name would inherit the old account's videos and voice.
      'CREATE TABLE IF NOT EXISTS local_retired_usernames (username TEXT PRIMARY KEY, retired_at TEXT NOT NULL)',
      `CREATE TABLE IF NOT EXISTS local_video_jobs (
        uuid TEXT PRIMARY KEY, owner TEXT NOT NULL, state TEXT NOT NULL, progress DOUBLE PRECISION NOT NULL,
        step TEXT NOT NULL, error_code TEXT, error_message TEXT, name TEXT NOT NULL, description TEXT NOT NULL,
        tags TEXT NOT NULL, source_path TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`,
      'CREATE INDEX IF NOT EXISTS local_video_jobs_state ON local_video_jobs (state)',
      `CREATE TABLE IF NOT EXISTS fed_deliveries (
        actor TEXT PRIMARY KEY, acked_seq BIGINT NOT NULL, failures INTEGER NOT NULL,
        next_attempt_at BIGINT NOT NULL, last_success_at TEXT, last_error TEXT)`,
      `CREATE TABLE IF NOT EXISTS pod_health (
        actor TEXT PRIMARY KEY, score INTEGER NOT NULL, failures_in_row INTEGER NOT NULL,
        successes BIGINT NOT NULL, failures BIGINT NOT NULL,
        last_seen_at TEXT, last_failure_at TEXT, last_error TEXT)`,
    ],
  },
  {
    version: 2,
    // Resumable jobs: the processing plan and where the published file goes. A database written
    // by the version that added them with a column check at start already has them.
    name: 'video jobs: plan and file_path',
    sql: ['ALTER TABLE local_video_jobs ADD COLUMN plan TEXT', 'ALTER TABLE local_video_jobs ADD COLUMN file_path TEXT'],
    async plan(db) {
      const existing = await columnsOf(db, 'local_video_jobs');
      return this.sql.filter((_, index) => !existing.has(['plan', 'file_path'][index]!));
    },
  },
  {
    version: 3,
    // Mirrors (mirrors/): what an admin chose and the fetches under way (the log says which
    // copies are whole: VideoMirrored), and how often each video was opened on this pod (the
    // policy's "most watched"; views are counters, not events).
    name: 'mirrors and video views',
    sql: [
      `CREATE TABLE IF NOT EXISTS local_mirrors (
        uuid TEXT PRIMARY KEY, choice TEXT NOT NULL, info_hash TEXT NOT NULL, size BIGINT NOT NULL,
        fetched_bytes BIGINT NOT NULL, attempts INTEGER NOT NULL, last_error TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`,
      'CREATE TABLE IF NOT EXISTS local_mirror_refusals (uuid TEXT PRIMARY KEY, refused_at TEXT NOT NULL)',
      'CREATE TABLE IF NOT EXISTS local_video_views (uuid TEXT PRIMARY KEY, views BIGINT NOT NULL)',
    ],
  },
];

export function statements(sql: readonly string[]): SqlStatement[] {
  return sql.map((text) => ({ sql: text }));
}

import { hash } from 'node:crypto';
import type { ReadModelDatabase, SqlStatement } from '@swarmtube/event-store';
import type { RebuildForm } from '../../projections/projection.js';

export type ReadModelDialect = ReadModelDatabase['dialect'];

/**
 * One search document per row of rm_videos: uuid, then name, description and tags as folded
 * words (video-search-text.ts). The same columns and values on both dialects, so the table is
 * part of the read model's digest: the audit checks the index as well as the videos.
 *
 * - SQLite: an FTS5 table. Its rowid is derived from the uuid (videoSearchRowid), because an
 *   UNINDEXED uuid column can only be found by reading the whole table.
 * - PostgreSQL: a plain table and a GIN index on an expression. A tsvector column would show
 *   in `SELECT *`, hence in the digest, and SQLite has nothing to match it.
 */
export const SEARCH_TABLE = 'rm_videos_search';

export type SearchField = 'name' | 'description' | 'tags';

/**
 * The weighted document of a row aliased `alias` (name A, tags B, description C). The index is
 * on this expression: a query must use it as written here, or PostgreSQL scans the table.
 */
export function postgresSearchVector(alias: string): string {
  return (
    `(setweight(to_tsvector('simple', ${alias}.name), 'A') || ` +
    `setweight(to_tsvector('simple', ${alias}.tags), 'B') || ` +
    `setweight(to_tsvector('simple', ${alias}.description), 'C'))`
  );
}

/** bm25 weights in column order (uuid, name, description, tags): name above tags above description. */
export const SQLITE_BM25_WEIGHTS = '0.0, 10.0, 1.0, 4.0';

/**
 * A 63-bit number from the uuid's SHA-256: the same on every pod for the same video, so pods
 * holding the same events hold the same index. Two uuids colliding (2^-63, and not choosable
 * by a hostile origin) make the second publication fail: it is parked, and the audit shows it.
 */
export function videoSearchRowid(uuid: string): bigint {
  // crypto.hash: one call instead of a Hash object per video (a rebuild hashes every uuid).
  return hash('sha256', uuid, 'buffer').readBigUInt64BE(0) & 0x7fff_ffff_ffff_ffffn;
}

export interface SearchDocument {
  uuid: string;
  name: string;
  description: string;
  tags: string;
}

/** The statements that keep the index in step with rm_videos, for one dialect. */
export interface VideoSearchIndex {
  createTables(): SqlStatement[];
  /** The table without its index while a rebuild fills it, indexed at the end: the statements below work on both. */
  rebuild: RebuildForm;
  /** Adds the document unless the uuid has one (a second VideoPublished for it changes nothing). */
  insert(document: SearchDocument): SqlStatement;
  /** Changes fields of the document if rm_videos holds the video for that origin. Run before rm_videos changes or after: it reads only uuid and origin. */
  update(uuid: string, origin: string, fields: Partial<Record<SearchField, string>>): SqlStatement | null;
  /** Removes the document if rm_videos holds the video for that origin. Run before the row is deleted. */
  delete(uuid: string, origin: string): SqlStatement;
}

const OWNED_BY = 'EXISTS (SELECT 1 FROM rm_videos WHERE rm_videos.uuid = $1 AND rm_videos.origin = $2)';

export function videoSearchIndex(dialect: ReadModelDialect): VideoSearchIndex {
  return dialect === 'sqlite' ? sqliteIndex : postgresIndex;
}

/** `$3` in statements below is the document's key: its rowid on SQLite, its uuid on PostgreSQL. */
function statements(key: string, keyOf: (uuid: string) => unknown, insertSql: string): Omit<VideoSearchIndex, 'createTables' | 'rebuild'> {
  return {
    insert: (d) => ({ sql: insertSql, params: [d.uuid, d.name, d.description, d.tags, keyOf(d.uuid)] }),
    update(uuid, origin, fields) {
      const params: unknown[] = [uuid, origin, keyOf(uuid)];
      const sets: string[] = [];
      for (const field of ['name', 'description', 'tags'] as const) {
        if (fields[field] === undefined) continue;
        params.push(fields[field]);
        sets.push(`${field} = $${params.length}`);
      }
      if (sets.length === 0) return null;
      return { sql: `UPDATE ${SEARCH_TABLE} SET ${sets.join(', ')} WHERE ${key} = $3 AND ${OWNED_BY}`, params };
    },
    delete: (uuid, origin) => ({ sql: `DELETE FROM ${SEARCH_TABLE} WHERE ${key} = $3 AND ${OWNED_BY}`, params: [uuid, origin, keyOf(uuid)] }),
  };
}

// remove_diacritics is a second guard (the words come folded); marks stay inside words as in searchWords.
// No prefix index: it doubles the cost of indexing a video (and so of a rebuild), and
// prefix queries read the sorted terms well enough without it.
const SQLITE_FTS: SqlStatement = {
  sql: `CREATE VIRTUAL TABLE IF NOT EXISTS ${SEARCH_TABLE} USING fts5(uuid UNINDEXED, name, description, tags,
          tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'")`,
};

const sqliteIndex: VideoSearchIndex = {
  createTables: () => [SQLITE_FTS],
  // During a rebuild, a plain table under the same name with the same columns and rowids (the
  // statements below find documents by rowid only); at the end its rows go into the FTS5 table
  // in one statement, in rowid order, which indexes them several times faster than one by one.
  rebuild: {
    createTables: () => [{ sql: `CREATE TABLE IF NOT EXISTS ${SEARCH_TABLE} (uuid, name, description, tags)` }],
    finish: () => [
      { sql: `ALTER TABLE ${SEARCH_TABLE} RENAME TO ${SEARCH_TABLE}_rebuilt` },
      SQLITE_FTS,
      {
        sql: `INSERT INTO ${SEARCH_TABLE} (rowid, uuid, name, description, tags)
              SELECT rowid, uuid, name, description, tags FROM ${SEARCH_TABLE}_rebuilt ORDER BY rowid`,
      },
      { sql: `DROP TABLE ${SEARCH_TABLE}_rebuilt` },
    ],
  },
  ...statements('rowid', videoSearchRowid, `INSERT INTO ${SEARCH_TABLE} (rowid, uuid, name, description, tags)
      SELECT $5, $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM ${SEARCH_TABLE} WHERE rowid = $5)`),
};

const POSTGRES_TABLE: SqlStatement = {
  sql: `CREATE TABLE IF NOT EXISTS ${SEARCH_TABLE} (
          uuid TEXT COLLATE "C" PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL, tags TEXT NOT NULL)`,
};
const POSTGRES_GIN: SqlStatement = {
  sql: `CREATE INDEX IF NOT EXISTS ${SEARCH_TABLE}_vector ON ${SEARCH_TABLE} USING GIN (${postgresSearchVector(SEARCH_TABLE)})`,
};

const postgresIndex: VideoSearchIndex = {
  createTables: () => [POSTGRES_TABLE, POSTGRES_GIN],
  // A GIN index built over the whole table is far cheaper than one updated row by row.
  rebuild: { createTables: () => [POSTGRES_TABLE], finish: () => [POSTGRES_GIN] },
  ...statements('uuid', (uuid) => uuid, `INSERT INTO ${SEARCH_TABLE} (uuid, name, description, tags) VALUES ($1, $2, $3, $4)
      ON CONFLICT (uuid) DO NOTHING`),
};

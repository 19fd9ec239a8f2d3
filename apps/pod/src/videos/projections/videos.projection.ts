import type { CatalogEvent, VideoUpdatedDataV1 } from '@swarmtube/contracts';
import type { StoredEvent } from '@swarmtube/event-store';
import type { SqlStatement } from '@swarmtube/event-store';
import { hostOfActor } from '../../pods/projections/pods.projection.js';
import type { Projection } from '../../projections/projection.js';
import { friendshipEventKey } from '../../pods/projections/friendships.projection.js';
import { SEARCH_TABLE, videoSearchIndex, type ReadModelDialect, type SearchField } from './video-search-index.js';
import { nameSortKey, searchText } from './video-search-text.js';

/**
 * The videos of the whole network as this pod knows them, and their search index. Only a
 * video's origin may update or delete it: events of other origins about the same uuid change
 * nothing, in rm_videos as in the index.
 *
 * The columns are the same on both dialects (the audit replays any pod's log into SQLite and
 * compares digests): `available` is an INTEGER 1/0, not a BOOLEAN, which PostgreSQL would
 * return as `true` where SQLite returns 1. On PostgreSQL the columns that are compared or
 * sorted on are COLLATE "C", which orders by code point as SQLite does.
 *
 * A video whose origin is expelled stays, with `available` 0: lists and search leave it out,
 * GET by uuid still shows it. `rm_video_origins` holds each origin's latest outcome record
 * (PodExpelled or PodReadmitted, by time then id, as rm_pods does), so `available` is a function
 * of the set of events whatever order they came in: a video published before or after its
 * origin's expulsion reaches the same row.
 */
export function videosProjectionFor(dialect: ReadModelDialect): Projection {
  const search = videoSearchIndex(dialect);
  const ordered = dialect === 'postgres' ? 'TEXT COLLATE "C"' : 'TEXT';
  return {
    name: 'videos',
    // Still 2 with rm_video_origins and the outcome records: no log held a PodExpelled or a
    // PodReadmitted before they were handled here, so a model built before is the same as one
    // built now, and the new table is created empty at start (createTables).
    version: 2,
    tables: [
      { name: 'rm_videos', orderBy: 'uuid' },
      { name: SEARCH_TABLE, orderBy: 'uuid' },
      { name: 'rm_video_origins', orderBy: 'origin' },
    ],

    createTables: () => [...tables(ordered), ...QUERY_INDEXES, ...search.createTables()],

    // A rebuild builds the indexes only queries use once, at the end. On SQLite the full-text
    // index maintained row by row was a third of a rebuild's time (100,000 events), and
    // building it at the end takes about a tenth of that.
    rebuild: {
      createTables: () => [...tables(ordered), ...search.rebuild.createTables()],
      finish: () => [...QUERY_INDEXES, ...search.rebuild.finish()],
    },

    apply({ event }: StoredEvent<CatalogEvent>): SqlStatement[] {
      switch (event.type) {
        case 'VideoPublished': {
          const { data } = event;
          const tags: string[] = data.tags ?? [];
          const name = searchText(data.name);
          return [
            {
              sql: `INSERT INTO rm_videos (uuid, origin, origin_host, name, name_sort, description, tags, duration, size, mime_type,
                      info_hash, magnet_uri, torrent_url, web_seed_urls, thumbnail_url, account_username, published_at, updated_at, available)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17,
                      CASE WHEN EXISTS (SELECT 1 FROM rm_video_origins o WHERE o.origin = $2 AND o.expelled = 1) THEN 0 ELSE 1 END)
                    ON CONFLICT (uuid) DO NOTHING`,
              params: [
                data.uuid, event.origin, hostOfActor(event.origin), data.name, nameSortKey(data.name, name), data.description ?? '',
                JSON.stringify(tags), data.duration, data.size, data.mimeType, data.infoHash, data.magnetUri, data.torrentUrl,
                JSON.stringify(data.webSeedUrls ?? []), data.thumbnailUrl, data.account?.username, instant(data.publishedAt),
              ],
            },
            search.insert({ uuid: data.uuid, name, description: searchText(data.description ?? ''), tags: tagsText(tags) }),
          ];
        }
        case 'VideoUpdated': {
          const { data } = event;
          const sets: string[] = [];
          const params: unknown[] = [data.uuid, event.origin, instant(event.occurredAt)];
          const set = (column: string, value: unknown) => {
            params.push(value);
            sets.push(`${column} = $${params.length}`);
          };
          const indexed: Partial<Record<SearchField, string>> = {};
          if (data.name !== undefined) {
            indexed.name = searchText(data.name);
            set('name', data.name);
            set('name_sort', nameSortKey(data.name, indexed.name));
          }
          if (data.description !== undefined) {
            set('description', data.description);
            indexed.description = searchText(data.description);
          }
          if (data.tags !== undefined) {
            set('tags', JSON.stringify(data.tags));
            indexed.tags = tagsText(data.tags);
          }
          const reindex = search.update(data.uuid, event.origin, indexed);
          return [
            { sql: `UPDATE rm_videos SET ${[...sets, 'updated_at = $3'].join(', ')} WHERE uuid = $1 AND origin = $2`, params },
            ...(reindex ? [reindex] : []),
          ];
        }
        case 'VideoDeleted':
          // The index first: it finds the document through the row.
          return [
            search.delete(event.data.uuid, event.origin),
            { sql: `DELETE FROM rm_videos WHERE uuid = $1 AND origin = $2`, params: [event.data.uuid, event.origin] },
          ];
        case 'PodExpelled':
        case 'PodReadmitted': {
          const latest = 'excluded.changed > rm_video_origins.changed';
          return [
            {
              sql: `INSERT INTO rm_video_origins (origin, expelled, changed) VALUES ($1, $2, $3)
                    ON CONFLICT (origin) DO UPDATE SET
                      expelled = CASE WHEN ${latest} THEN excluded.expelled ELSE rm_video_origins.expelled END,
                      changed = CASE WHEN ${latest} THEN excluded.changed ELSE rm_video_origins.changed END`,
              params: [event.data.target, event.type === 'PodExpelled' ? 1 : 0, friendshipEventKey(event)],
            },
            {
              sql: `UPDATE rm_videos SET available = (SELECT 1 - o.expelled FROM rm_video_origins o WHERE o.origin = $1) WHERE origin = $1`,
              params: [event.data.target],
            },
          ];
        }
        default:
          return [];
      }
    },
  };
}

function tables(ordered: string): SqlStatement[] {
  return [
    {
      sql: `CREATE TABLE IF NOT EXISTS rm_videos (
        uuid ${ordered} PRIMARY KEY,
        origin TEXT NOT NULL,
        origin_host ${ordered} NOT NULL,
        name TEXT NOT NULL,
        name_sort ${ordered} NOT NULL,
        description TEXT NOT NULL,
        tags TEXT NOT NULL,
        duration DOUBLE PRECISION NOT NULL,
        size BIGINT NOT NULL,
        mime_type TEXT NOT NULL,
        info_hash TEXT NOT NULL,
        magnet_uri TEXT NOT NULL,
        torrent_url TEXT NOT NULL,
        web_seed_urls TEXT NOT NULL,
        thumbnail_url TEXT NOT NULL,
        account_username TEXT NOT NULL,
        published_at ${ordered} NOT NULL,
        updated_at TEXT NOT NULL,
        available INTEGER NOT NULL DEFAULT 1)`,
    },
    // apply() finds an expelled origin's videos through it: kept during a rebuild.
    { sql: `CREATE INDEX IF NOT EXISTS rm_videos_origin ON rm_videos (origin)` },
    { sql: `CREATE TABLE IF NOT EXISTS rm_video_origins (origin ${ordered} PRIMARY KEY, expelled INTEGER NOT NULL, changed TEXT NOT NULL)` },
  ];
}

/** The indexes of rm_videos that only queries read (lists by date, by host). */
const QUERY_INDEXES: SqlStatement[] = [
  { sql: `CREATE INDEX IF NOT EXISTS rm_videos_published ON rm_videos (published_at, uuid)` },
  { sql: `CREATE INDEX IF NOT EXISTS rm_videos_origin_host ON rm_videos (origin_host)` },
];

function tagsText(tags: readonly string[]): string {
  return tags.map(searchText).filter((text) => text !== '').join(' ');
}

/**
 * An RFC 3339 time as UTC with milliseconds, so that times sort as text whatever offset or
 * precision the origin wrote. A time JavaScript cannot read (a leap second) is kept as written.
 */
function instant(value: string): string {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

const EDITABLE: ReadonlyArray<[field: Exclude<keyof VideoUpdatedDataV1, 'uuid'>, column: string, json: boolean]> = [
  ['name', 'name', false],
  ['description', 'description', false],
  ['tags', 'tags', true],
];

/**
 * Version 1, without search: what the pod still runs until its wiring passes the database's
 * dialect to videosProjectionFor (all-projections.ts, projections.module.ts and the audit, outside
 * this folder). Delete it then.
 * @deprecated use videosProjectionFor(dialect)
 */
export const videosProjection: Projection = {
  name: 'videos',
  version: 1,
  tables: [{ name: 'rm_videos', orderBy: 'uuid' }],

  createTables(): SqlStatement[] {
    return [
      {
        sql: `CREATE TABLE IF NOT EXISTS rm_videos (
          uuid TEXT PRIMARY KEY,
          origin TEXT NOT NULL,
          name TEXT NOT NULL,
          description TEXT NOT NULL,
          tags TEXT NOT NULL,
          duration DOUBLE PRECISION NOT NULL,
          size BIGINT NOT NULL,
          mime_type TEXT NOT NULL,
          info_hash TEXT NOT NULL,
          magnet_uri TEXT NOT NULL,
          torrent_url TEXT NOT NULL,
          web_seed_urls TEXT NOT NULL,
          thumbnail_url TEXT NOT NULL,
          account_username TEXT NOT NULL,
          published_at TEXT NOT NULL,
          updated_at TEXT NOT NULL)`,
      },
      { sql: `CREATE INDEX IF NOT EXISTS rm_videos_published ON rm_videos (published_at)` },
    ];
  },

  apply({ event }: StoredEvent<CatalogEvent>): SqlStatement[] {
    switch (event.type) {
      case 'VideoPublished': {
        const { data } = event;
        return [
          {
            sql: `INSERT INTO rm_videos (uuid, origin, name, description, tags, duration, size, mime_type, info_hash,
                    magnet_uri, torrent_url, web_seed_urls, thumbnail_url, account_username, published_at, updated_at)
                  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)
                  ON CONFLICT (uuid) DO NOTHING`,
            params: [
              data.uuid, event.origin, data.name, data.description ?? '', JSON.stringify(data.tags ?? []), data.duration, data.size,
              data.mimeType, data.infoHash, data.magnetUri, data.torrentUrl, JSON.stringify(data.webSeedUrls ?? []),
              data.thumbnailUrl, data.account?.username, data.publishedAt,
            ],
          },
        ];
      }
      case 'VideoUpdated': {
        const { data } = event;
        const sets: string[] = [];
        const params: unknown[] = [data.uuid, event.origin, event.occurredAt];
        for (const [field, column, json] of EDITABLE) {
          if (data[field] === undefined) continue;
          params.push(json ? JSON.stringify(data[field]) : data[field]);
          sets.push(`${column} = $${params.length}`);
        }
        return [{ sql: `UPDATE rm_videos SET ${[...sets, 'updated_at = $3'].join(', ')} WHERE uuid = $1 AND origin = $2`, params }];
      }
      case 'VideoDeleted':
        return [{ sql: `DELETE FROM rm_videos WHERE uuid = $1 AND origin = $2`, params: [event.data.uuid, event.origin] }];
      default:
        return [];
    }
  },
};

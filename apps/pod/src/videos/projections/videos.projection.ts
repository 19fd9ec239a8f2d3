import type { StoredEvent } from '../../../../../libs/event-store/src/event-store.port.js';
import type { SqlStatement } from '../../../../../libs/event-store/src/read-model-database.port.js';
import type { Projection } from '../../projections/projection.js';

const EDITABLE: ReadonlyArray<[field: string, column: string, json: boolean]> = [
  ['name', 'name', false],
  ['description', 'description', false],
  ['tags', 'tags', true],
];

/**
 * The videos of the whole network as this pod knows them. Only a video's origin may update
 * or delete it: events of other origins about the same uuid change nothing.
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

  apply({ event }: StoredEvent): SqlStatement[] {
    const data = event.data as Record<string, any>;
    switch (event.type) {
      case 'VideoPublished':
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
      case 'VideoUpdated': {
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
        return [{ sql: `DELETE FROM rm_videos WHERE uuid = $1 AND origin = $2`, params: [data.uuid, event.origin] }];
      default:
        return [];
    }
  },
};

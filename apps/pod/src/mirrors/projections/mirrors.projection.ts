import type { CatalogEvent } from '@swarmtube/contracts';
import type { ReadModelDatabase, SqlStatement, StoredEvent } from '@swarmtube/event-store';
import { hostOfActor } from '../../pods/projections/pods.projection.js';
import type { Projection } from '../../projections/projection.js';

/**
 * Which pods mirror which videos: one row per (video, mirroring pod) while the pod's latest word
 * on it is a VideoMirrored. A row depends only on the mirroring pod's own events, which reach
 * every pod in their origin's order, so every pod holding the same events holds the same rows.
 * Nothing else removes a row: a deleted video, an expelled origin or an expelled mirror are
 * left out where the rows are read (videos/queries/video-mirrors.ts), not here, since their
 * events may arrive before or after the mirror's.
 */
export function mirrorsProjectionFor(dialect: ReadModelDatabase['dialect']): Projection {
  // Rows are digested in key order: on PostgreSQL the keys sort by code point, as on SQLite.
  const key = dialect === 'postgres' ? 'TEXT COLLATE "C"' : 'TEXT';
  return {
    name: 'mirrors',
    version: 1,
    tables: [{ name: 'rm_video_mirrors', orderBy: 'uuid, mirror' }],

    createTables: (): SqlStatement[] => [
      {
        sql: `CREATE TABLE IF NOT EXISTS rm_video_mirrors (
          uuid ${key} NOT NULL,
          mirror ${key} NOT NULL,
          mirror_host TEXT NOT NULL,
          video_origin TEXT NOT NULL,
          info_hash TEXT NOT NULL,
          torrent_url TEXT NOT NULL,
          trackers TEXT NOT NULL,
          web_seed_urls TEXT NOT NULL,
          mirrored_at TEXT NOT NULL,
          PRIMARY KEY (uuid, mirror))`,
      },
    ],

    apply({ event }: StoredEvent<CatalogEvent>): SqlStatement[] {
      switch (event.type) {
        case 'VideoMirrored': {
          const { data } = event;
          return [
            {
              sql: `INSERT INTO rm_video_mirrors (uuid, mirror, mirror_host, video_origin, info_hash, torrent_url, trackers, web_seed_urls, mirrored_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                    ON CONFLICT (uuid, mirror) DO UPDATE SET video_origin = excluded.video_origin, info_hash = excluded.info_hash,
                      torrent_url = excluded.torrent_url, trackers = excluded.trackers, web_seed_urls = excluded.web_seed_urls, mirrored_at = excluded.mirrored_at`,
              params: [
                data.uuid, event.origin, hostOfActor(event.origin), data.videoOrigin, data.infoHash, data.torrentUrl,
                JSON.stringify(data.trackers), JSON.stringify(data.webSeedUrls), event.occurredAt,
              ],
            },
          ];
        }
        case 'VideoUnmirrored':
          return [{ sql: `DELETE FROM rm_video_mirrors WHERE uuid = $1 AND mirror = $2`, params: [event.data.uuid, event.origin] }];
        default:
          return [];
      }
    },
  };
}

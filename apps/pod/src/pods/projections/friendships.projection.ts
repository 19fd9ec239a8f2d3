import type { StoredEvent } from '../../../../../libs/event-store/src/event-store.port.js';
import type { SqlStatement } from '../../../../../libs/event-store/src/read-model-database.port.js';
import type { Projection } from '../../projections/projection.js';

/**
 * Every friendship this log has heard of, one row per pair of pods (the pair's stream):
 * requested → accepted → ended, and requested again after an end. A pod delivers its events
 * to the pods it has an accepted friendship with.
 */
export const friendshipsProjection: Projection = {
  name: 'friendships',
  version: 1,
  tables: [{ name: 'rm_friendships', orderBy: 'pair' }],

  createTables(): SqlStatement[] {
    return [
      {
        sql: `CREATE TABLE IF NOT EXISTS rm_friendships (
          pair TEXT PRIMARY KEY,
          requester TEXT NOT NULL,
          target TEXT NOT NULL,
          status TEXT NOT NULL,
          requested_at TEXT,
          accepted_at TEXT,
          ended_at TEXT,
          ended_by TEXT,
          ended_reason TEXT,
          ended_origin_seq BIGINT)`,
      },
    ];
  },

  apply({ event }: StoredEvent): SqlStatement[] {
    const data = event.data as Record<string, string>;
    switch (event.type) {
      case 'FriendshipRequested':
        return [
          {
            sql: `INSERT INTO rm_friendships (pair, requester, target, status, requested_at) VALUES ($1, $2, $3, 'requested', $4)
                  ON CONFLICT (pair) DO UPDATE SET requester = excluded.requester, target = excluded.target, status = 'requested',
                    requested_at = excluded.requested_at, accepted_at = NULL, ended_at = NULL, ended_by = NULL, ended_reason = NULL, ended_origin_seq = NULL`,
            params: [event.stream, data.requester, data.target, event.occurredAt],
          },
        ];
      case 'FriendshipAccepted':
        return [
          {
            sql: `INSERT INTO rm_friendships (pair, requester, target, status, accepted_at) VALUES ($1, $2, $3, 'accepted', $4)
                  ON CONFLICT (pair) DO UPDATE SET status = 'accepted', accepted_at = excluded.accepted_at,
                    ended_at = NULL, ended_by = NULL, ended_reason = NULL, ended_origin_seq = NULL`,
            params: [event.stream, data.requester, data.accepter, event.occurredAt],
          },
        ];
      case 'FriendshipEnded':
        return [
          {
            sql: `UPDATE rm_friendships SET status = 'ended', ended_at = $2, ended_by = $3, ended_reason = $4, ended_origin_seq = $5 WHERE pair = $1`,
            params: [event.stream, event.occurredAt, event.origin, data.reason, event.originSeq],
          },
        ];
      default:
        return [];
    }
  },
};

import type { CatalogEvent } from '@swarmtube/contracts';
import type { StoredEvent } from '@swarmtube/event-store';
import type { SqlStatement } from '@swarmtube/event-store';
import type { Projection } from '../../projections/projection.js';

/**
 * The order key of a friendship event: its time, then its id. Membership stamps every
 * friendship event later than the events of its pair that the pod holds (a hybrid clock), so
 * an event that answers another (an acceptance, an end, a new request) has the greater key.
 */
export function friendshipEventKey(event: { occurredAt: string; id: string }): string {
  return `${event.occurredAt} ${event.id}`;
}

const COLUMNS = 'pair, requester, target, status, requested_at, accepted_at, ended_at, ended_by, ended_reason, ended_origin_seq, changed, parties_at';
/** The event at hand is the latest of its pair seen so far. */
const LATEST = 'excluded.changed > rm_friendships.changed';
const keepUnlessLatest = (column: string, value: string) => `${column} = CASE WHEN ${LATEST} THEN ${value} ELSE rm_friendships.${column} END`;
/** requester and target come from the latest request or acceptance (an end only names them when neither is known). */
const PARTIES = ['requester', 'target', 'parties_at']
  .map((column) => `${column} = CASE WHEN excluded.parties_at > rm_friendships.parties_at THEN excluded.${column} ELSE rm_friendships.${column} END`)
  .join(', ');
// Built once, not per event: apply runs for every event of the log, friendship or not, in a rebuild.
const NOT_ENDED = ['ended_at', 'ended_by', 'ended_reason', 'ended_origin_seq'].map((column) => keepUnlessLatest(column, 'NULL')).join(', ');
const CHANGED = `changed = CASE WHEN ${LATEST} THEN excluded.changed ELSE rm_friendships.changed END`;

/**
 * Every friendship this log has heard of, one row per pair of pods (the pair's stream):
 * requested → accepted → ended, and requested again after an end. A pod delivers its events
 * to the pods it has an accepted friendship with.
 *
 * The two pods of a pair append to its stream, and a third pod may receive their events in
 * either order (an acceptance pushed by the accepter before the request pulled from the
 * requester): the row is a function of the set of events, not of their order in this log.
 * The status and the end come from the latest event by key; `requested_at` is the latest
 * request's time and `accepted_at` the latest acceptance after it, if any.
 */
export const friendshipsProjection: Projection = {
  name: 'friendships',
  version: 2,
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
          ended_origin_seq BIGINT,
          changed TEXT NOT NULL,
          parties_at TEXT NOT NULL)`,
      },
    ];
  },

  apply({ event }: StoredEvent<CatalogEvent>): SqlStatement[] {
    const key = friendshipEventKey(event);
    switch (event.type) {
      case 'FriendshipRequested': {
        const requestedAt = `CASE WHEN rm_friendships.requested_at IS NULL OR excluded.requested_at > rm_friendships.requested_at THEN excluded.requested_at ELSE rm_friendships.requested_at END`;
        return [
          {
            sql: `INSERT INTO rm_friendships (${COLUMNS}) VALUES ($1, $2, $3, 'requested', $4, NULL, NULL, NULL, NULL, NULL, $5, $5)
                  ON CONFLICT (pair) DO UPDATE SET ${PARTIES}, ${keepUnlessLatest('status', "'requested'")},
                    requested_at = ${requestedAt},
                    accepted_at = CASE WHEN rm_friendships.accepted_at > ${requestedAt} THEN rm_friendships.accepted_at ELSE NULL END,
                    ${NOT_ENDED}, ${CHANGED}`,
            params: [event.stream, event.data.requester, event.data.target, event.occurredAt, key],
          },
        ];
      }
      case 'FriendshipAccepted':
        return [
          {
            sql: `INSERT INTO rm_friendships (${COLUMNS}) VALUES ($1, $2, $3, 'accepted', NULL, $4, NULL, NULL, NULL, NULL, $5, $5)
                  ON CONFLICT (pair) DO UPDATE SET ${PARTIES}, ${keepUnlessLatest('status', "'accepted'")},
                    accepted_at = CASE WHEN (rm_friendships.requested_at IS NULL OR excluded.accepted_at > rm_friendships.requested_at)
                                        AND (rm_friendships.accepted_at IS NULL OR excluded.accepted_at > rm_friendships.accepted_at)
                                       THEN excluded.accepted_at ELSE rm_friendships.accepted_at END,
                    ${NOT_ENDED}, ${CHANGED}`,
            params: [event.stream, event.data.requester, event.data.accepter, event.occurredAt, key],
          },
        ];
      case 'FriendshipEnded': {
        const ended = ['ended_at', 'ended_by', 'ended_reason', 'ended_origin_seq'].map((column) => keepUnlessLatest(column, `excluded.${column}`)).join(', ');
        const namedByEnd = ['requester', 'target']
          .map((column) => `${column} = CASE WHEN rm_friendships.parties_at = '' AND ${LATEST} THEN excluded.${column} ELSE rm_friendships.${column} END`)
          .join(', ');
        return [
          {
            sql: `INSERT INTO rm_friendships (${COLUMNS}) VALUES ($1, $2, $3, 'ended', NULL, NULL, $4, $2, $5, $6, $7, '')
                  ON CONFLICT (pair) DO UPDATE SET ${namedByEnd}, ${keepUnlessLatest('status', "'ended'")}, ${ended}, ${CHANGED}`,
            params: [event.stream, event.origin, event.data.peer, event.occurredAt, event.data.reason, event.originSeq, key],
          },
        ];
      }
      default:
        return [];
    }
  },
};

import type { StoredEvent } from '../../../../../libs/event-store/src/event-store.port.js';
import type { SqlStatement } from '../../../../../libs/event-store/src/read-model-database.port.js';
import type { Projection } from '../../projections/projection.js';
import { friendshipEventKey } from './friendships.projection.js';

/** host of an actor URL (`http://host:port/federation/actor` → `host:port`). */
export function hostOfActor(actor: string): string {
  try {
    return new URL(actor).host;
  } catch {
    return actor;
  }
}

const LAST_EVENT_AT =
  'last_event_at = CASE WHEN rm_pods.last_event_at IS NULL OR excluded.last_event_at > rm_pods.last_event_at THEN excluded.last_event_at ELSE rm_pods.last_event_at END';

const STATUS_BY_TYPE: Record<string, string> = {
  PodExpelled: 'expelled',
  PodReadmitted: 'active',
};

/**
 * Every pod this log has heard of, with its keys (from its genesis PodJoined) and its
 * membership status: `known` until a friendship is accepted, then `active`; `left` after
 * quit-friends; `expelled` after a quorum of votes. A pod that makes friends again after
 * leaving is `active` again.
 *
 * Events of different origins reach pods in different orders: the status is the one set by
 * the latest event by key (time, then id; see friendshipEventKey), and `last_event_at` the
 * latest time, so pods that hold the same events hold the same rows.
 */
export const podsProjection: Projection = {
  name: 'pods',
  version: 3,
  tables: [{ name: 'rm_pods', orderBy: 'actor' }],

  createTables(): SqlStatement[] {
    return [
      {
        sql: `CREATE TABLE IF NOT EXISTS rm_pods (
          actor TEXT PRIMARY KEY,
          host TEXT NOT NULL,
          name TEXT,
          status TEXT NOT NULL,
          ed25519_multibase TEXT,
          rsa_public_key_pem TEXT,
          joined_at TEXT,
          last_event_at TEXT,
          status_changed TEXT NOT NULL)`,
      },
    ];
  },

  apply({ event }: StoredEvent): SqlStatement[] {
    const data = event.data as Record<string, unknown>;
    const touch = (actor: string, status: string): SqlStatement => ({
      sql: `INSERT INTO rm_pods (actor, host, status, last_event_at, status_changed) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (actor) DO UPDATE SET
              status = CASE WHEN excluded.status_changed > rm_pods.status_changed THEN excluded.status ELSE rm_pods.status END,
              status_changed = CASE WHEN excluded.status_changed > rm_pods.status_changed THEN excluded.status_changed ELSE rm_pods.status_changed END,
              ${LAST_EVENT_AT}`,
      params: [actor, hostOfActor(actor), status, event.occurredAt, friendshipEventKey(event)],
    });
    switch (event.type) {
      case 'PodJoined': {
        // Only the origin itself may declare its keys: a PodJoined relayed for another actor changes nothing.
        if (data.actor !== event.origin) return [];
        const keys = (data.keys ?? {}) as Record<string, unknown>;
        return [
          {
            sql: `INSERT INTO rm_pods (actor, host, name, status, ed25519_multibase, rsa_public_key_pem, joined_at, last_event_at, status_changed)
                  VALUES ($1, $2, $3, 'known', $4, $5, $6, $6, '')
                  ON CONFLICT (actor) DO UPDATE SET host = excluded.host, name = excluded.name,
                    ed25519_multibase = excluded.ed25519_multibase, rsa_public_key_pem = excluded.rsa_public_key_pem,
                    joined_at = excluded.joined_at, ${LAST_EVENT_AT}`,
            params: [event.origin, String(data.host), String(data.name ?? ''), keys.ed25519Multibase ?? null, keys.rsaPublicKeyPem ?? null, event.occurredAt],
          },
        ];
      }
      case 'FriendshipAccepted':
        return [touch(String(data.requester), 'active'), touch(String(data.accepter), 'active')];
      case 'FriendshipEnded':
        // Quitting is leaving the network; declining or removing one friend is not.
        return data.reason === 'quit' ? [touch(event.origin, 'left')] : [];
      case 'PodExpelled':
      case 'PodReadmitted':
        return [touch(String(data.target), STATUS_BY_TYPE[event.type])];
      default:
        return [];
    }
  },
};

import type { StoredEvent } from '../../../../../libs/event-store/src/event-store.port.js';
import type { SqlStatement } from '../../../../../libs/event-store/src/read-model-database.port.js';
import type { Projection } from '../../projections/projection.js';
import { friendshipEventKey } from './friendships.projection.js';
import { hostOfActor as hostOfActorUrl } from '../../../../../libs/contracts/src/pod-urls.js';

/** host of an actor URL (libs/contracts/src/pod-urls.ts); events reach here validated, so it is one. */
export function hostOfActor(actor: string): string {
  return hostOfActorUrl(actor) ?? actor;
}

const LAST_EVENT_AT =
  'last_event_at = CASE WHEN rm_pods.last_event_at IS NULL OR excluded.last_event_at > rm_pods.last_event_at THEN excluded.last_event_at ELSE rm_pods.last_event_at END';

/** The membership status an event gives the pod(s) it is about (the latest by key wins). */
const MEMBERSHIP_BY_TYPE: Record<string, string> = {
  PodExpelled: 'expelled',
  PodReadmitted: 'active',
};

const LATEST_MEMBERSHIP = 'excluded.status_changed > rm_pods.status_changed';
const LATEST_OUTCOME = 'excluded.outcome_changed > rm_pods.outcome_changed';

/**
 * Every pod this log has heard of, with its keys (from its genesis PodJoined) and its
 * membership status: `known` until a friendship is accepted, then `active`; `left` after
 * quit-friends; `expelled` after a quorum of votes, until a quorum readmits it. A pod that
 * makes friends again after leaving is `active` again.
 *
 * Events of different origins reach pods in different orders, so every column is a function of
 * the set of events, not of their order: `membership` is the one set by the latest membership
 * event by key (time, then id; see friendshipEventKey), `outcome` the latest outcome record
 * (PodExpelled or PodReadmitted) by the same key, `last_event_at` the latest time. The status
 * shown is `expelled` while the latest outcome is an expulsion, whatever friendship events
 * come later (an expelled pod does not come back through a friendship some pod accepted before
 * it knew), and `membership` otherwise. Several pods may record the same outcome: the records
 * agree, and the latest one is the one kept.
 */
export const podsProjection: Projection = {
  name: 'pods',
  version: 4,
  tables: [{ name: 'rm_pods', orderBy: 'actor' }],

  createTables(): SqlStatement[] {
    return [
      {
        sql: `CREATE TABLE IF NOT EXISTS rm_pods (
          actor TEXT PRIMARY KEY,
          host TEXT NOT NULL,
          name TEXT,
          status TEXT NOT NULL,
          membership TEXT NOT NULL,
          ed25519_multibase TEXT,
          rsa_public_key_pem TEXT,
          joined_at TEXT,
          last_event_at TEXT,
          status_changed TEXT NOT NULL,
          outcome TEXT,
          outcome_changed TEXT NOT NULL)`,
      },
    ];
  },

  apply({ event }: StoredEvent): SqlStatement[] {
    const data = event.data as Record<string, unknown>;
    const key = friendshipEventKey(event);
    const refresh = (actor: string): SqlStatement => ({
      sql: `UPDATE rm_pods SET status = CASE WHEN outcome = 'expelled' THEN 'expelled' ELSE membership END WHERE actor = $1`,
      params: [actor],
    });
    const touch = (actor: string, membership: string, outcome: string | null = null): SqlStatement[] => [
      {
        sql: `INSERT INTO rm_pods (actor, host, status, membership, last_event_at, status_changed, outcome, outcome_changed)
              VALUES ($1, $2, $3, $3, $4, $5, $6, $7)
              ON CONFLICT (actor) DO UPDATE SET
                membership = CASE WHEN ${LATEST_MEMBERSHIP} THEN excluded.membership ELSE rm_pods.membership END,
                status_changed = CASE WHEN ${LATEST_MEMBERSHIP} THEN excluded.status_changed ELSE rm_pods.status_changed END,
                outcome = CASE WHEN ${LATEST_OUTCOME} THEN excluded.outcome ELSE rm_pods.outcome END,
                outcome_changed = CASE WHEN ${LATEST_OUTCOME} THEN excluded.outcome_changed ELSE rm_pods.outcome_changed END,
                ${LAST_EVENT_AT}`,
        params: [actor, hostOfActor(actor), membership, event.occurredAt, key, outcome, outcome === null ? '' : key],
      },
      refresh(actor),
    ];
    switch (event.type) {
      case 'PodJoined': {
        // Only the origin itself may declare its keys: a PodJoined relayed for another actor changes nothing.
        if (data.actor !== event.origin) return [];
        const keys = (data.keys ?? {}) as Record<string, unknown>;
        return [
          {
            sql: `INSERT INTO rm_pods (actor, host, name, status, membership, ed25519_multibase, rsa_public_key_pem, joined_at, last_event_at, status_changed, outcome, outcome_changed)
                  VALUES ($1, $2, $3, 'known', 'known', $4, $5, $6, $6, '', NULL, '')
                  ON CONFLICT (actor) DO UPDATE SET host = excluded.host, name = excluded.name,
                    ed25519_multibase = excluded.ed25519_multibase, rsa_public_key_pem = excluded.rsa_public_key_pem,
                    joined_at = excluded.joined_at, ${LAST_EVENT_AT}`,
            params: [event.origin, String(data.host), String(data.name ?? ''), keys.ed25519Multibase ?? null, keys.rsaPublicKeyPem ?? null, event.occurredAt],
          },
        ];
      }
      case 'FriendshipAccepted':
        return [...touch(String(data.requester), 'active'), ...touch(String(data.accepter), 'active')];
      case 'FriendshipEnded':
        // Quitting is leaving the network; declining or removing one friend is not.
        return data.reason === 'quit' ? touch(event.origin, 'left') : [];
      case 'PodExpelled':
        return touch(String(data.target), MEMBERSHIP_BY_TYPE[event.type], 'expelled');
      case 'PodReadmitted':
        return touch(String(data.target), MEMBERSHIP_BY_TYPE[event.type], 'readmitted');
      default:
        return [];
    }
  },
};

import type { EventStore } from '../../../../../libs/event-store/src/event-store.port.js';
import type { EventLog } from '../../event-log/event-log.js';

export interface PodIdentity {
  actor: string;
  host: string;
  name: string;
  ed25519Multibase: string;
  rsaPublicKeyPem: string;
}

export class KeyMismatchError extends Error {
  readonly code = 'key-mismatch';
}

export class ActorMismatchError extends Error {
  readonly code = 'actor-mismatch';
}

/**
 * Every origin's log begins with its PodJoined, which declares its keys: an auditor then
 * needs nothing but the log to check every proof. On later starts the keys on disk must be
 * the ones announced, or every new event would carry a proof nobody can verify.
 */
export async function announcePod(store: EventStore, eventLog: EventLog, identity: PodIdentity, keysDir: string): Promise<void> {
  // A pod's identity is its actor URL: the log's first event is the pod's own PodJoined
  // (nothing comes in before it), and a publicUrl or host that names another actor would start
  // a second origin in the same log, which every friend would take for a stranger.
  const [first] = await store.readAll({ after: 0, limit: 1 });
  if (first && first.event.type === 'PodJoined' && first.event.origin !== identity.actor) {
    throw new ActorMismatchError(
      `config key "publicUrl": this pod's log says its actor is ${first.event.origin} (its first event, ${first.event.id}), ` +
        `the config makes it ${identity.actor}; set publicUrl (and host) back to ${first.event.origin.replace(/\/federation\/actor$/, '')}, or start with an empty data folder`,
    );
  }
  const [genesis] = await store.readOrigin(identity.actor, { after: 0, limit: 1 });
  if (!genesis) {
    await eventLog.append(
      `pod:${identity.host}`,
      [
        {
          type: 'PodJoined',
          schemaVersion: 1,
          data: {
            host: identity.host,
            actor: identity.actor,
            name: identity.name,
            keys: { ed25519Multibase: identity.ed25519Multibase, rsaPublicKeyPem: identity.rsaPublicKeyPem },
          },
        },
      ],
      { expectedVersion: 'any' },
    );
    return;
  }
  const keys = (genesis.event.data as { keys?: { ed25519Multibase?: string } }).keys;
  if (genesis.event.type !== 'PodJoined' || keys?.ed25519Multibase !== identity.ed25519Multibase) {
    throw new KeyMismatchError(
      `the Ed25519 key in ${keysDir} is not the key this pod announced in its first event (${genesis.event.id}); ` +
        `restore the original keys, or start with an empty data folder`,
    );
  }
}

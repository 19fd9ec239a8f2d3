import type { KeyObject } from 'node:crypto';
import type { EventSealer } from '@swarmtube/event-store';
import type { EventEnvelope, UnsignedEnvelope } from './envelope.js';
import { ed25519KeyId } from './multikey.js';
import { signEnvelope } from './proof.js';

export type EnvelopeSealerErrorCode = 'sealer-key-invalid' | 'origin-mismatch';

export class EnvelopeSealerError extends Error {
  constructor(readonly code: EnvelopeSealerErrorCode, message: string) {
    super(message);
    this.name = 'EnvelopeSealerError';
  }
}

export interface EnvelopeSealerOptions {
  /** The pod's actor URL: every event it seals carries it as `origin`. */
  origin: string;
  /** The pod's Ed25519 private key, loaded once (see loadOrCreatePodKeys). */
  privateKey: KeyObject;
  /** Time is an argument so that tests and replays are deterministic. */
  now?: () => Date;
}

/** The local pod's sealer: signs each event the store allocates with `${origin}#ed25519-key`. */
export function createEnvelopeSealer(options: EnvelopeSealerOptions): EventSealer {
  const { origin, privateKey } = options;
  const now = options.now ?? (() => new Date());
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new EnvelopeSealerError(
      'sealer-key-invalid',
      `the sealer needs an Ed25519 private key, got a ${privateKey.type} ${privateKey.asymmetricKeyType ?? ''} key`,
    );
  }
  const verificationMethod = ed25519KeyId(origin);
  return {
    origin,
    seal(unsigned: UnsignedEnvelope): EventEnvelope {
      // A store bug that hands us a foreign event must not get it signed in our name.
      if (unsigned.origin !== origin) {
        throw new EnvelopeSealerError('origin-mismatch', `cannot seal an event of ${unsigned.origin} as ${origin}`);
      }
      return signEnvelope(unsigned, { privateKey, verificationMethod, created: now() });
    },
  };
}

import { createHash } from 'node:crypto';
import { canonicalize } from './jcs.js';

export { canonicalize };

export function sha256(data: string | Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The hash that the origin's next event carries as prevHash: over the whole envelope, proof included. */
export function hashEvent(envelope: object): string {
  return sha256Hex(canonicalize(envelope));
}

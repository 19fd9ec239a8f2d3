import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

// canonicalize is CommonJS with an ESM-style .d.ts; require() gives the function itself.
const canonicalizeJcs = createRequire(import.meta.url)('canonicalize') as (value: unknown) => string | undefined;

/** RFC 8785 (JCS) canonical JSON: the byte form that proofs and hashes are computed over. */
export function canonicalize(value: unknown): string {
  const text = canonicalizeJcs(value);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}

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

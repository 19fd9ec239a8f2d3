import jcsModule from 'canonicalize';

// canonicalize is CommonJS (`module.exports = serialize`) with an ESM-style .d.ts: Node's and
// the bundler's default import is the function itself, which the declared type does not say.
const serialize = jcsModule as unknown as (value: unknown) => string | undefined;

/**
 * RFC 8785 (JCS) canonical JSON: the byte form that proofs and hashes are computed over.
 * No Node module: the site verifies events with the same function the pods sign them with.
 */
export function canonicalize(value: unknown): string {
  const text = serialize(value);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}

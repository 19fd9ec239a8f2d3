import { createPublicKey, KeyObject } from 'node:crypto';

export type PublicKeyResult = { ok: true; key: KeyObject } | { ok: false; detail: string };

/**
 * Resolvers that hand back PEM text would otherwise cost an ASN.1 parse per request; a
 * small bounded memo keeps the hot senders parsed.
 */
const MAX_MEMO = 512;
const parsedPem = new Map<string, KeyObject>();

function parsePem(pem: string): KeyObject | null {
  const known = parsedPem.get(pem);
  if (known) return known;
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    return null;
  }
  if (parsedPem.size >= MAX_MEMO) parsedPem.delete(parsedPem.keys().next().value!);
  parsedPem.set(pem, key);
  return key;
}

/** An RSA public key strong enough for RSASSA-PKCS1-v1_5, from whatever the resolver returned. */
export function rsaPublicKey(input: unknown, minimumRsaBits: number): PublicKeyResult {
  let key: KeyObject | null = null;
  if (typeof input === 'string') {
    key = input.length <= 64 * 1024 ? parsePem(input) : null;
  } else if (input instanceof KeyObject) {
    if (input.type === 'public') key = input;
    else if (input.type === 'private') key = createPublicKey(input);
  }
  if (key === null) return { ok: false, detail: 'not a public key (PEM or KeyObject)' };
  if (key.asymmetricKeyType !== 'rsa') return { ok: false, detail: `key type ${key.asymmetricKeyType ?? 'unknown'} cannot verify rsa-sha256` };
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < minimumRsaBits) return { ok: false, detail: `RSA key of ${bits} bits, at least ${minimumRsaBits} required` };
  return { ok: true, key };
}

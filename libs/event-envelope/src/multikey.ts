import { KeyObject, createPublicKey } from 'node:crypto';
import { decodeMultikeyBytes, encodeMultikeyBytes, type MultikeyErrorCode } from './multibase.js';

export { ED25519_PUB_HEADER, ED25519_KEY_BYTES, decodeBase58btc, encodeBase58btc, decodeMultikeyBytes, encodeMultikeyBytes } from './multibase.js';
export type { MultikeyErrorCode, RawMultikeyDecoding } from './multibase.js';

/** Multikey (multibase.ts) as Node's KeyObject. */

export type MultikeyDecoding =
  | { ok: true; publicKey: KeyObject; rawPublicKey: Uint8Array }
  | { ok: false; error: { code: MultikeyErrorCode; message: string } };

export interface MultikeyDocument {
  id: string;
  type: 'Multikey';
  controller: string;
  publicKeyMultibase: string;
}

/** The verification method every pod publishes its event-signing key under. */
export function ed25519KeyId(actorUrl: string): string {
  return `${actorUrl}#ed25519-key`;
}

/** The 32 raw bytes of an Ed25519 key; a private key yields its public half. */
export function rawEd25519PublicKey(key: KeyObject): Uint8Array {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  if (publicKey.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(`expected an Ed25519 key, got ${publicKey.asymmetricKeyType ?? publicKey.type}`);
  }
  const { x } = publicKey.export({ format: 'jwk' });
  return Buffer.from(x as string, 'base64url');
}

export function encodeMultikey(publicKey: KeyObject | Uint8Array): string {
  return encodeMultikeyBytes(publicKey instanceof KeyObject ? rawEd25519PublicKey(publicKey) : publicKey);
}

/** Reads a `publicKeyMultibase` from a remote document: anything but an Ed25519 Multikey is a typed failure. */
export function decodeMultikey(value: unknown): MultikeyDecoding {
  const decoded = decodeMultikeyBytes(value);
  if (!decoded.ok) return decoded;
  const raw = decoded.rawPublicKey;
  try {
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
    return { ok: true, publicKey, rawPublicKey: raw };
  } catch (error) {
    return { ok: false, error: { code: 'multikey-invalid-key', message: `not an Ed25519 public key: ${String(error)}` } };
  }
}

/** The Multikey that the actor document lists in `assertionMethod`. */
export function multikeyDocument(actorUrl: string, publicKey: KeyObject): MultikeyDocument {
  return {
    id: ed25519KeyId(actorUrl),
    type: 'Multikey',
    controller: actorUrl,
    publicKeyMultibase: encodeMultikey(publicKey),
  };
}

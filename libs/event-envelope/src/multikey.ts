import { KeyObject, createPublicKey } from 'node:crypto';
import bs58 from 'bs58';

/**
 * Ed25519 public keys as Multikey (FEP-521a, W3C Controlled Identifiers):
 * `publicKeyMultibase` = `z` + base58btc(0xed 0x01 ‖ 32 raw key bytes).
 */

/** The unsigned-varint multicodec header of `ed25519-pub`. */
const ED25519_PUB_HEADER = Uint8Array.of(0xed, 0x01);
const ED25519_KEY_BYTES = 32;

export type MultikeyErrorCode =
  | 'multikey-not-base58btc'
  | 'multikey-wrong-prefix'
  | 'multikey-wrong-length'
  | 'multikey-invalid-key';

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
  const raw = publicKey instanceof KeyObject ? rawEd25519PublicKey(publicKey) : publicKey;
  if (raw.length !== ED25519_KEY_BYTES) {
    throw new TypeError(`an Ed25519 public key has ${ED25519_KEY_BYTES} bytes, got ${raw.length}`);
  }
  const bytes = new Uint8Array(ED25519_PUB_HEADER.length + raw.length);
  bytes.set(ED25519_PUB_HEADER, 0);
  bytes.set(raw, ED25519_PUB_HEADER.length);
  return 'z' + bs58.encode(bytes);
}

function fail(code: MultikeyErrorCode, message: string): MultikeyDecoding {
  return { ok: false, error: { code, message } };
}

/** Reads a `publicKeyMultibase` from a remote document: anything but an Ed25519 Multikey is a typed failure. */
export function decodeMultikey(value: unknown): MultikeyDecoding {
  if (typeof value !== 'string' || !value.startsWith('z')) {
    return fail('multikey-not-base58btc', 'publicKeyMultibase must be a string starting with "z" (base58btc)');
  }
  let bytes: Uint8Array;
  try {
    bytes = bs58.decode(value.slice(1));
  } catch {
    return fail('multikey-not-base58btc', 'publicKeyMultibase is not valid base58btc');
  }
  if (bytes.length < ED25519_PUB_HEADER.length || bytes[0] !== ED25519_PUB_HEADER[0] || bytes[1] !== ED25519_PUB_HEADER[1]) {
    const header = Buffer.from(bytes.subarray(0, 2)).toString('hex');
    return fail('multikey-wrong-prefix', `multicodec header 0x${header} is not ed25519-pub (0xed01)`);
  }
  const raw = bytes.subarray(ED25519_PUB_HEADER.length);
  if (raw.length !== ED25519_KEY_BYTES) {
    return fail('multikey-wrong-length', `an Ed25519 public key has ${ED25519_KEY_BYTES} bytes, got ${raw.length}`);
  }
  try {
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
    return { ok: true, publicKey, rawPublicKey: Uint8Array.from(raw) };
  } catch (error) {
    return fail('multikey-invalid-key', `not an Ed25519 public key: ${String(error)}`);
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

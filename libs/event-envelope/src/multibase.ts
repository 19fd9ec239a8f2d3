import bs58 from 'bs58';

/**
 * Ed25519 public keys as Multikey (FEP-521a, W3C Controlled Identifiers), as bytes:
 * `publicKeyMultibase` = `z` + base58btc(0xed 0x01 ‖ 32 raw key bytes). No Node module, so
 * the site reads keys and proof values with the same code as the pods (multikey.ts adds
 * Node's KeyObject on top).
 */

/** The unsigned-varint multicodec header of `ed25519-pub`. */
export const ED25519_PUB_HEADER = Uint8Array.of(0xed, 0x01);
export const ED25519_KEY_BYTES = 32;

export type MultikeyErrorCode =
  | 'multikey-not-base58btc'
  | 'multikey-wrong-prefix'
  | 'multikey-wrong-length'
  | 'multikey-invalid-key';

export type MultikeyFailure = { ok: false; error: { code: MultikeyErrorCode; message: string } };
export type RawMultikeyDecoding = { ok: true; rawPublicKey: Uint8Array } | MultikeyFailure;

/** The bytes of a multibase base58btc value (`z…`); null when it is not one. */
export function decodeBase58btc(value: unknown): Uint8Array | null {
  if (typeof value !== 'string' || !value.startsWith('z')) return null;
  try {
    return bs58.decode(value.slice(1));
  } catch {
    return null;
  }
}

/** `z` + base58btc of the bytes. */
export function encodeBase58btc(bytes: Uint8Array): string {
  return 'z' + bs58.encode(bytes);
}

export function encodeMultikeyBytes(raw: Uint8Array): string {
  if (raw.length !== ED25519_KEY_BYTES) {
    throw new TypeError(`an Ed25519 public key has ${ED25519_KEY_BYTES} bytes, got ${raw.length}`);
  }
  const bytes = new Uint8Array(ED25519_PUB_HEADER.length + raw.length);
  bytes.set(ED25519_PUB_HEADER, 0);
  bytes.set(raw, ED25519_PUB_HEADER.length);
  return encodeBase58btc(bytes);
}

function fail(code: MultikeyErrorCode, message: string): MultikeyFailure {
  return { ok: false, error: { code, message } };
}

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

/** The 32 raw key bytes of a `publicKeyMultibase`; anything but an Ed25519 Multikey is a typed failure. */
export function decodeMultikeyBytes(value: unknown): RawMultikeyDecoding {
  if (typeof value !== 'string' || !value.startsWith('z')) {
    return fail('multikey-not-base58btc', 'publicKeyMultibase must be a string starting with "z" (base58btc)');
  }
  const bytes = decodeBase58btc(value);
  if (bytes === null) return fail('multikey-not-base58btc', 'publicKeyMultibase is not valid base58btc');
  if (bytes.length < ED25519_PUB_HEADER.length || bytes[0] !== ED25519_PUB_HEADER[0] || bytes[1] !== ED25519_PUB_HEADER[1]) {
    return fail('multikey-wrong-prefix', `multicodec header 0x${hex(bytes.subarray(0, 2))} is not ed25519-pub (0xed01)`);
  }
  const raw = bytes.subarray(ED25519_PUB_HEADER.length);
  if (raw.length !== ED25519_KEY_BYTES) {
    return fail('multikey-wrong-length', `an Ed25519 public key has ${ED25519_KEY_BYTES} bytes, got ${raw.length}`);
  }
  return { ok: true, rawPublicKey: Uint8Array.from(raw) };
}

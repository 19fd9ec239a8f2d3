import type { EventEnvelope } from '@/api/types';
import { canonicalize, decodeBase58btc, decodeMultikeyBytes } from '../../../../libs/event-envelope/src/browser.js';

/**
 * Checks a pod's signed events in the browser, with WebCrypto: the eddsa-jcs-2022 proof
 * (Ed25519 over SHA-256(JCS(proof options)) ‖ SHA-256(JCS(event without proof)), as
 * libs/event-envelope/src/proof.ts makes it) against the origin's key, and the `prevHash`
 * chain (hex SHA-256 of the JCS form of the origin's previous event, proof included).
 * JCS and base58btc are the pods' own (libs/event-envelope), bundled by Vite.
 */

const encoder = new TextEncoder();

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

export async function hashEvent(event: EventEnvelope): Promise<string> {
  return [...(await sha256(canonicalize(event)))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The 32 raw bytes of a `publicKeyMultibase` (`z` + base58btc of 0xed 0x01 ‖ key); null if it is not one. */
export function decodeEd25519Multikey(multibase: unknown): Uint8Array | null {
  const decoded = decodeMultikeyBytes(multibase);
  return decoded.ok ? decoded.rawPublicKey : null;
}

let support: Promise<boolean> | null = null;

/** Whether this browser's WebCrypto verifies Ed25519 (Chromium since 137, Firefox 129, Safari 17). */
export function ed25519Supported(): Promise<boolean> {
  support ??= (async () => {
    try {
      if (!globalThis.crypto?.subtle) return false;
      await crypto.subtle.importKey('raw', new Uint8Array(32), { name: 'Ed25519' }, false, ['verify']);
      return true;
    } catch {
      return false;
    }
  })();
  return support;
}

export type ProofCheck = { ok: true } | { ok: false; reason: string };

export async function importEd25519(raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', raw as BufferSource, { name: 'Ed25519' }, false, ['verify']);
}

/** Verifies `event.proof` with the origin's Ed25519 key. Never throws on bad input. */
export async function verifyProof(event: EventEnvelope, key: CryptoKey): Promise<ProofCheck> {
  const { proof, ...unsecured } = event as EventEnvelope & Record<string, unknown>;
  if (!proof || typeof proof !== 'object') return { ok: false, reason: 'no proof' };
  const { proofValue, ...options } = proof as unknown as Record<string, unknown>;
  if (options.type !== 'DataIntegrityProof') return { ok: false, reason: 'the proof is not a DataIntegrityProof' };
  if (options.cryptosuite !== 'eddsa-jcs-2022') return { ok: false, reason: `unsupported cryptosuite ${String(options.cryptosuite)}` };
  if (options.proofPurpose !== 'assertionMethod') return { ok: false, reason: 'proofPurpose is not assertionMethod' };
  if (options.verificationMethod !== `${event.origin}#ed25519-key`) return { ok: false, reason: 'signed with a key that is not the origin\'s' };
  const signature = decodeBase58btc(proofValue);
  if (signature === null) return { ok: false, reason: 'proofValue is not base58btc' };
  if (signature.length !== 64) return { ok: false, reason: 'the signature is not 64 bytes' };
  try {
    const data = new Uint8Array(64);
    data.set(await sha256(canonicalize(options)), 0);
    data.set(await sha256(canonicalize(unsecured)), 32);
    const valid = await crypto.subtle.verify({ name: 'Ed25519' }, key, signature as BufferSource, data);
    return valid ? { ok: true } : { ok: false, reason: 'the signature does not match' };
  } catch (error) {
    return { ok: false, reason: `could not be checked: ${String(error)}` };
  }
}

import { KeyObject, sign, verify } from 'node:crypto';
import { decodeBase58btc, encodeBase58btc } from './multibase.js';
import { canonicalize, sha256 } from './canonical.js';
import type { DataIntegrityProof, EventEnvelope, UnsignedEnvelope } from './envelope.js';

/**
 * Data Integrity proofs with the eddsa-jcs-2022 cryptosuite (W3C vc-di-eddsa, FEP-8b32):
 * signature = Ed25519(SHA-256(JCS(proof config)) || SHA-256(JCS(document without proof))).
 */

export type ProofFailure =
  | { type: 'malformedProof'; detail: string }
  | { type: 'unsupportedCryptosuite'; cryptosuite: unknown }
  | { type: 'keyMismatch'; detail: string }
  | { type: 'invalidSignature' };

export type ProofVerification = { verified: true } | { verified: false; reason: ProofFailure };

/** Whole seconds: Fedify re-serializes `created` without fractions before it verifies. */
export function proofTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function hashData(proofConfig: object, document: object): Buffer {
  return Buffer.concat([sha256(canonicalize(proofConfig)), sha256(canonicalize(document))]);
}

function withContext(config: Record<string, unknown>, document: Record<string, unknown>): Record<string, unknown> {
  return document['@context'] === undefined ? config : { ...config, '@context': document['@context'] };
}

/** Signs any JSON object; returns the proof to attach as `proof`. */
export function createProof(
  document: Record<string, unknown>,
  options: { privateKey: KeyObject; verificationMethod: string; created?: Date },
): DataIntegrityProof {
  const { proof: _ignored, ...unsecured } = document;
  const config = {
    type: 'DataIntegrityProof' as const,
    cryptosuite: 'eddsa-jcs-2022' as const,
    verificationMethod: options.verificationMethod,
    proofPurpose: 'assertionMethod' as const,
    created: proofTimestamp(options.created ?? new Date()),
  };
  const signature = sign(null, hashData(withContext(config, unsecured), unsecured), options.privateKey);
  return { ...config, proofValue: encodeBase58btc(signature) };
}

/** Verifies `document.proof` against an Ed25519 public key. Never throws on bad input. */
export function verifyProof(document: unknown, publicKey: KeyObject): ProofVerification {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    return { verified: false, reason: { type: 'malformedProof', detail: 'document is not an object' } };
  }
  const { proof, ...unsecured } = document as Record<string, unknown>;
  if (proof === null || typeof proof !== 'object' || Array.isArray(proof)) {
    return { verified: false, reason: { type: 'malformedProof', detail: 'no proof object' } };
  }
  const { proofValue, ...config } = proof as Record<string, unknown>;
  if (config.type !== 'DataIntegrityProof') {
    return { verified: false, reason: { type: 'malformedProof', detail: 'proof type is not DataIntegrityProof' } };
  }
  if (config.cryptosuite !== 'eddsa-jcs-2022') {
    return { verified: false, reason: { type: 'unsupportedCryptosuite', cryptosuite: config.cryptosuite } };
  }
  if (config.proofPurpose !== 'assertionMethod') {
    return { verified: false, reason: { type: 'malformedProof', detail: 'proofPurpose is not assertionMethod' } };
  }
  if (typeof proofValue !== 'string' || !proofValue.startsWith('z')) {
    return { verified: false, reason: { type: 'malformedProof', detail: 'proofValue is not base58btc multibase' } };
  }
  if (!(publicKey instanceof KeyObject) || publicKey.asymmetricKeyType !== 'ed25519') {
    return { verified: false, reason: { type: 'keyMismatch', detail: 'key is not Ed25519' } };
  }
  const signature = decodeBase58btc(proofValue);
  if (signature === null) return { verified: false, reason: { type: 'malformedProof', detail: 'proofValue is not valid base58' } };
  if (signature.length !== 64) return { verified: false, reason: { type: 'invalidSignature' } };
  let data: Buffer;
  try {
    data = hashData(withContext(config, unsecured), unsecured);
  } catch (error) {
    return { verified: false, reason: { type: 'malformedProof', detail: `not canonicalizable: ${String(error)}` } };
  }
  return verify(null, data, publicKey, signature) ? { verified: true } : { verified: false, reason: { type: 'invalidSignature' } };
}

export function signEnvelope(
  unsigned: UnsignedEnvelope,
  options: { privateKey: KeyObject; verificationMethod: string; created?: Date },
): EventEnvelope {
  return { ...unsigned, proof: createProof(unsigned as unknown as Record<string, unknown>, options) };
}

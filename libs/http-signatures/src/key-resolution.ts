import type { KeyObject } from 'node:crypto';
import { rsaPublicKey } from './public-key.js';
import type { ResolvedKey, VerificationFailureType, VerifyRequestOptions } from './types.js';

export const DEFAULT_MINIMUM_RSA_BITS = 2048;

export type KeyedVerification =
  | { ok: true; owner: string; refreshed: boolean }
  | { ok: false; type: VerificationFailureType; detail: string };

type Resolution = { ok: true; resolved: ResolvedKey } | { ok: false; type: VerificationFailureType; detail: string };

async function resolve(options: VerifyRequestOptions, keyId: string, refresh: boolean): Promise<Resolution> {
  let answer: unknown;
  try {
    answer = await options.resolveKey(keyId, { refresh });
  } catch (error) {
    return { ok: false, type: 'keyUnavailable', detail: `resolving ${refresh ? '(refresh) ' : ''}failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (answer === null || answer === undefined) return { ok: false, type: 'keyNotFound', detail: `no key ${keyId}` };
  const resolved = answer as ResolvedKey;
  if (typeof answer !== 'object' || typeof resolved.owner !== 'string' || resolved.owner === '') return { ok: false, type: 'invalidKey', detail: 'the resolver returned no owner' };
  return { ok: true, resolved };
}

function attempt(resolved: ResolvedKey, minimumRsaBits: number, check: (key: KeyObject) => boolean): KeyedVerification {
  const key = rsaPublicKey(resolved.publicKey, minimumRsaBits);
  if (!key.ok) return { ok: false, type: 'invalidKey', detail: key.detail };
  return check(key.key) ? { ok: true, owner: resolved.owner, refreshed: false } : { ok: false, type: 'invalidSignature', detail: 'the signature does not verify with the key' };
}

/**
 * Resolves the key and runs the signature check; when a possibly stale key fails, asks the
 * resolver once for a fresh one (key rotation, as Mastodon and Fedify do). Never twice: a
 * forged request must cost at most two look-ups.
 */
export async function verifyWithKey(options: VerifyRequestOptions, keyId: string, check: (key: KeyObject) => boolean): Promise<KeyedVerification> {
  if (options.isKeyIdAllowed) {
    let allowed = false;
    try {
      allowed = options.isKeyIdAllowed(keyId) === true;
    } catch {
      allowed = false;
    }
    if (!allowed) return { ok: false, type: 'keyIdRejected', detail: `keyId ${keyId} is not accepted here` };
  }
  const minimumRsaBits = options.minimumRsaBits ?? DEFAULT_MINIMUM_RSA_BITS;
  const first = await resolve(options, keyId, false);
  if (!first.ok) return first;
  const firstResult = attempt(first.resolved, minimumRsaBits, check);
  if (firstResult.ok || first.resolved.cached === false) return firstResult;

  const second = await resolve(options, keyId, true);
  if (!second.ok) {
    // The key vanished on refresh: whatever signed this, no current key of that sender did.
    if (second.type === 'keyNotFound') return { ok: false, type: 'invalidSignature', detail: `${firstResult.detail}; no key after refresh` };
    return second;
  }
  const secondResult = attempt(second.resolved, minimumRsaBits, check);
  return secondResult.ok ? { ...secondResult, refreshed: true } : secondResult;
}

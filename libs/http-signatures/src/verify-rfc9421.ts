import { createHash, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { httpbis } from 'http-message-signatures';
import { parseDictionary, serializeItem, serializeList, type Dictionary, type InnerList, type Item } from 'structured-headers';
import { carriesBody } from './body.js';
import { checkTimeWindow, DEFAULT_MAX_SKEW_SECONDS } from './clock.js';
import { verifyWithKey } from './key-resolution.js';
import { MAX_SIGNATURE_HEADER_LENGTH } from './signature-params.js';
import { headerValue, pathAndQueryOf } from './signing-string.js';
import type { VerificationFailureType, VerificationResult, VerifyRequestOptions } from './types.js';

/**
 * RFC 9421 (`Signature-Input` + `Signature`) with Mastodon 4.4+'s rules: one signature,
 * keyid and created required, @method and @target-uri covered, content-digest covered on
 * requests with a body, rsa-v1_5-sha256 only. The component derivation and signature base
 * come from http-message-signatures; the policy and the crypto are ours.
 */

const MAX_COMPONENTS = 64;

function failure(type: VerificationFailureType, detail: string, keyId?: string): VerificationResult {
  return keyId === undefined ? { verified: false, reason: { type, detail } } : { verified: false, reason: { type, detail }, keyId };
}

function parse(text: string): Dictionary | null {
  if (text.length > MAX_SIGNATURE_HEADER_LENGTH) return null;
  try {
    return parseDictionary(text);
  } catch {
    return null;
  }
}

const isInnerList = (member: Item | InnerList): member is InnerList => Array.isArray(member[0]);

export interface Rfc9421Base {
  readonly ok: true;
  /** One base per candidate target URI. */
  readonly bases: readonly string[];
}

/**
 * The signature base (RFC 9421 section 2.5) for each candidate target URI. Exported for
 * the published vectors; a missing covered field is an error.
 */
export function rfc9421SignatureBases(
  input: InnerList,
  message: { method: string; targetUris: readonly string[]; headers: Record<string, string | string[]> },
): Rfc9421Base | { ok: false; type: VerificationFailureType; detail: string } {
  const fields = input[0].map((item) => serializeItem(item));
  const paramsLine = `"@signature-params": ${serializeList([input])}`;
  const bases: string[] = [];
  for (const url of message.targetUris) {
    try {
      const base = httpbis.createSignatureBase({ fields }, { method: message.method, url, headers: message.headers });
      const lines = httpbis.formatSignatureBase(base);
      bases.push(lines === '' ? paramsLine : `${lines}\n${paramsLine}`);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      return { ok: false, type: /No header/.test(text) ? 'missingHeader' : 'malformedSignature', detail: text };
    }
  }
  return { ok: true, bases };
}

function checkContentDigest(value: string | undefined, rawBody: Uint8Array): { ok: true } | { ok: false; detail: string } {
  if (value === undefined) return { ok: false, detail: 'no Content-Digest header' };
  const dictionary = parse(value);
  if (dictionary === null) return { ok: false, detail: 'the Content-Digest header is not a structured dictionary' };
  const entry = dictionary.get('sha-256');
  if (entry === undefined) return { ok: false, detail: 'the Content-Digest header has no sha-256 entry' };
  if (isInnerList(entry) || !(entry[0] instanceof ArrayBuffer) || entry[0].byteLength !== 32) return { ok: false, detail: 'the sha-256 entry is not a 32-byte sequence' };
  const expected = createHash('sha256').update(rawBody).digest();
  return timingSafeEqual(Buffer.from(entry[0]), expected) ? { ok: true } : { ok: false, detail: 'the sha-256 digest does not match the body' };
}

/** Plain string copies of the headers, the only shape the base builder reads safely. */
function plainHeaders(headers: VerifyRequestOptions['headers']): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name of Object.keys(headers)) {
    const value = headerValue(headers, name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

export async function verifyRfc9421(options: VerifyRequestOptions, signatureInput: string, signatureHeader: string): Promise<VerificationResult> {
  const inputs = parse(signatureInput);
  const signatures = parse(signatureHeader);
  if (inputs === null) return failure('malformedSignature', 'Signature-Input is not a structured dictionary');
  if (signatures === null) return failure('malformedSignature', 'Signature is not a structured dictionary');
  if (inputs.size !== 1) return failure('malformedSignature', `exactly one signature is accepted, found ${inputs.size}`);
  const [label, input] = [...inputs.entries()][0]!;
  if (!isInnerList(input)) return failure('malformedSignature', `Signature-Input ${label} is not an inner list`);
  const signed = signatures.get(label);
  if (signed === undefined || isInnerList(signed) || !(signed[0] instanceof ArrayBuffer)) return failure('malformedSignature', `no byte-sequence signature labelled ${label}`);

  const params = input[1];
  const keyId = params.get('keyid');
  if (typeof keyId !== 'string' || keyId === '') return failure('malformedSignature', 'the keyid parameter is missing');
  const created = params.get('created');
  if (typeof created !== 'number' || !Number.isInteger(created)) return failure('malformedSignature', 'the created parameter is missing', keyId);
  const expires = params.get('expires');
  if (expires !== undefined && (typeof expires !== 'number' || !Number.isInteger(expires))) return failure('malformedSignature', 'the expires parameter is not an integer', keyId);
  const alg = params.get('alg');
  // The algorithm is the key's (RFC 9421 3.3.7); a stated one must agree with the only one we verify.
  if (alg !== undefined && alg !== 'rsa-v1_5-sha256') return failure('unsupportedAlgorithm', `alg ${String(alg)} is not accepted (rsa-v1_5-sha256)`, keyId);

  const components = input[0];
  if (components.length > MAX_COMPONENTS) return failure('malformedSignature', `more than ${MAX_COMPONENTS} covered components`, keyId);
  if (components.some(([name]) => typeof name !== 'string')) return failure('malformedSignature', 'a covered component is not a string', keyId);
  const covers = (name: string) => components.some(([component, componentParams]) => component === name && componentParams.size === 0);
  const missing: string[] = [];
  if (!covers('@method')) missing.push('@method');
  if (!covers('@target-uri')) missing.push('@target-uri');
  const bodyExpected = carriesBody(options.method, options.rawBody);
  if (bodyExpected && !covers('content-digest')) missing.push('content-digest');
  if (missing.length > 0) return failure('missingSignedHeader', `not covered: ${missing.join(', ')}`, keyId);

  const window = checkTimeWindow(expires === undefined ? { created: [created] } : { created: [created], expires }, options.now ?? new Date(), options.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS);
  if (!window.ok) return failure('dateOutOfWindow', window.detail, keyId);

  if (covers('content-digest')) {
    const digest = checkContentDigest(headerValue(options.headers, 'content-digest'), options.rawBody ?? new Uint8Array(0));
    if (!digest.ok) return failure('digestMismatch', digest.detail, keyId);
  }

  // Behind a TLS-terminating proxy the scheme the sender signed is not known here; both are the same resource.
  let targetUris: string[];
  if (/^https?:\/\//i.test(options.url)) {
    targetUris = [options.url];
  } else {
    const host = headerValue(options.headers, 'host');
    if (host === undefined) return failure('missingHeader', 'no Host header to rebuild @target-uri', keyId);
    const path = pathAndQueryOf(options.url);
    targetUris = [`https://${host}${path}`, `http://${host}${path}`];
  }
  const bases = rfc9421SignatureBases(input, { method: options.method, targetUris, headers: plainHeaders(options.headers) });
  if (!bases.ok) return failure(bases.type, bases.detail, keyId);

  const signature = Buffer.from(signed[0]);
  const check = (key: KeyObject) => bases.bases.some((base) => {
    try {
      return verify('sha256', Buffer.from(base, 'utf8'), key, signature);
    } catch {
      return false;
    }
  });
  const outcome = await verifyWithKey(options, keyId, check);
  if (!outcome.ok) return failure(outcome.type, outcome.detail, keyId);
  return {
    verified: true,
    scheme: 'rfc9421',
    keyId,
    owner: outcome.owner,
    signedHeaders: components.map(([name]) => name as string),
    keyRefreshed: outcome.refreshed,
  };
}

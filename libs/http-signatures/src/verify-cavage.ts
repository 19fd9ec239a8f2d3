import { verify, type KeyObject } from 'node:crypto';
import { carriesBody } from './body.js';
import { checkTimeWindow, DEFAULT_MAX_SKEW_SECONDS, httpDateSeconds, unixSeconds } from './clock.js';
import { checkDigest } from './digest.js';
import { verifyWithKey } from './key-resolution.js';
import { parseSignatureParams } from './signature-params.js';
import { headerValue, pathAndQueryOf, requestTarget, signingString, withoutQuery } from './signing-string.js';
import type { VerificationFailureType, VerificationResult, VerifyRequestOptions } from './types.js';

const SUPPORTED_ALGORITHMS = new Set(['rsa-sha256', 'hs2019']);
const MAX_SIGNED_HEADERS = 64;
/** A 16384-bit RSA signature is 2732 base64 characters; anything longer is not ours to try. */
const SIGNATURE_BASE64 = /^[A-Za-z0-9+/]{1,4096}={0,2}$/;

function failure(type: VerificationFailureType, detail: string, keyId?: string): VerificationResult {
  return keyId === undefined ? { verified: false, reason: { type, detail } } : { verified: false, reason: { type, detail }, keyId };
}

/** Verifies a draft-cavage `Signature` header with the rules of Mastodon and PeerTube. */
export async function verifyCavage(options: VerifyRequestOptions, header: string): Promise<VerificationResult> {
  const parsed = parseSignatureParams(header);
  if (!parsed.ok) return failure('malformedSignature', parsed.detail);
  const params = parsed.params;
  const keyId = params.get('keyId');
  const signatureB64 = params.get('signature');
  if (keyId === undefined || keyId === '') return failure('malformedSignature', 'the keyId parameter is missing');
  if (signatureB64 === undefined) return failure('malformedSignature', 'the signature parameter is missing', keyId);

  // hs2019 hides the algorithm behind the key; for an RSA key every fediverse sender means PKCS#1 v1.5 SHA-256.
  const algorithm = (params.get('algorithm') ?? 'hs2019').toLowerCase();
  if (!SUPPORTED_ALGORITHMS.has(algorithm)) return failure('unsupportedAlgorithm', `algorithm ${algorithm} is not accepted (rsa-sha256, hs2019)`, keyId);

  const headersParam = params.get('headers');
  const signed = (headersParam ?? (algorithm === 'hs2019' ? '(created)' : 'date')).toLowerCase().split(' ').filter((name) => name !== '');
  if (signed.length > MAX_SIGNED_HEADERS) return failure('malformedSignature', `more than ${MAX_SIGNED_HEADERS} signed headers`, keyId);

  // Policy before any parsing of values or key look-up: what a receiver insists be signed.
  const bodyExpected = carriesBody(options.method, options.rawBody);
  const missing: string[] = [];
  if (!signed.includes('(request-target)')) missing.push('(request-target)');
  if (!signed.includes('host')) missing.push('host');
  if (!signed.includes('date') && !signed.includes('(created)')) missing.push('date or (created)');
  if (bodyExpected && !signed.includes('digest')) missing.push('digest');
  if (missing.length > 0) return failure('missingSignedHeader', `not signed: ${missing.join(', ')}`, keyId);

  const createdParam = params.get('created');
  const expiresParam = params.get('expires');
  const created = createdParam === undefined ? undefined : unixSeconds(createdParam);
  const expires = expiresParam === undefined ? undefined : unixSeconds(expiresParam);
  if (created === null) return failure('malformedSignature', 'the created parameter is not a Unix time', keyId);
  if (expires === null) return failure('malformedSignature', 'the expires parameter is not a Unix time', keyId);

  const pathAndQuery = pathAndQueryOf(options.url);
  const lines: Array<[string, string]> = [];
  let targetLine = -1;
  for (const name of signed) {
    if (name.startsWith('(')) {
      if (name === '(request-target)') {
        targetLine = lines.length;
        lines.push([name, requestTarget(options.method, pathAndQuery)]);
      } else if (name === '(created)' || name === '(expires)') {
        // draft-cavage 2.3: these pseudo-headers are an error with an algorithm that names its hash.
        if (algorithm !== 'hs2019') return failure('malformedSignature', `${name} is only valid with hs2019`, keyId);
        const value = name === '(created)' ? createdParam : expiresParam;
        if (value === undefined) return failure('malformedSignature', `${name} is signed but its parameter is missing`, keyId);
        lines.push([name, value]);
      } else {
        return failure('malformedSignature', `unknown pseudo-header ${name}`, keyId);
      }
      continue;
    }
    const value = headerValue(options.headers, name);
    if (value === undefined) return failure('missingHeader', `the signed header ${name} is not in the request`, keyId);
    lines.push([name, value]);
  }

  const now = options.now ?? new Date();
  const times: number[] = [];
  if (signed.includes('(created)')) times.push(created!);
  if (signed.includes('date')) {
    const date = httpDateSeconds(headerValue(options.headers, 'date')!);
    if (date === null) return failure('dateOutOfWindow', 'the Date header is not an HTTP date', keyId);
    times.push(date);
  }
  const window = checkTimeWindow(expires === undefined ? { created: times } : { created: times, expires }, now, options.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS);
  if (!window.ok) return failure('dateOutOfWindow', window.detail, keyId);

  if (signed.includes('digest')) {
    const digest = checkDigest(headerValue(options.headers, 'digest')!, options.rawBody ?? new Uint8Array(0));
    if (!digest.ok) return failure('digestMismatch', digest.detail, keyId);
  }

  if (!SIGNATURE_BASE64.test(signatureB64) || signatureB64.length % 4 !== 0) return failure('malformedSignature', 'the signature is not base64', keyId);
  const signature = Buffer.from(signatureB64, 'base64');

  // Mastodon's compatibility rule: the target with its query first, then without (Fedify, old senders).
  const candidates = [signingString(lines)];
  const bare = withoutQuery(pathAndQuery);
  if (bare !== pathAndQuery) {
    const alt = lines.slice();
    alt[targetLine] = ['(request-target)', requestTarget(options.method, bare)];
    candidates.push(signingString(alt));
  }
  const check = (key: KeyObject) => candidates.some((candidate) => {
    try {
      return verify('sha256', Buffer.from(candidate, 'utf8'), key, signature);
    } catch {
      return false;
    }
  });
  const outcome = await verifyWithKey(options, keyId, check);
  if (!outcome.ok) return failure(outcome.type, outcome.detail, keyId);
  return { verified: true, scheme: 'draft-cavage', keyId, owner: outcome.owner, signedHeaders: signed, keyRefreshed: outcome.refreshed };
}

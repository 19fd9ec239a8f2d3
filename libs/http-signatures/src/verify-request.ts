import { verifyCavage } from './verify-cavage.js';
import { verifyRfc9421 } from './verify-rfc9421.js';
import { headerValue } from './signing-string.js';
import type { VerificationResult, VerifyRequestOptions } from './types.js';

/**
 * Verifies a signed request: RFC 9421 when a Signature-Input header is present (as Mastodon
 * decides), otherwise draft-cavage `Signature`, the form every fediverse server sends.
 * Never throws: hostile input is an answer, not an exception.
 */
export async function verifyRequest(options: VerifyRequestOptions): Promise<VerificationResult> {
  try {
    if (typeof options.method !== 'string' || typeof options.url !== 'string' || options.headers === null || typeof options.headers !== 'object') {
      return { verified: false, reason: { type: 'malformedSignature', detail: 'method, url and headers are required' } };
    }
    const raw: unknown = Object.prototype.hasOwnProperty.call(options.headers, 'signature') ? options.headers['signature'] : undefined;
    if (Array.isArray(raw) && raw.length > 1) return { verified: false, reason: { type: 'malformedSignature', detail: 'several Signature headers' } };
    const header = headerValue(options.headers, 'signature');
    if (header === undefined || header === '') return { verified: false, reason: { type: 'missingSignature', detail: 'no Signature header' } };
    const signatureInput = headerValue(options.headers, 'signature-input');
    if (signatureInput !== undefined) return await verifyRfc9421(options, signatureInput, header);
    return await verifyCavage(options, header);
  } catch (error) {
    // A bug of ours must still reject, never let an unchecked request through or crash the inbox.
    return { verified: false, reason: { type: 'malformedSignature', detail: `unexpected: ${error instanceof Error ? error.message : String(error)}` } };
  }
}

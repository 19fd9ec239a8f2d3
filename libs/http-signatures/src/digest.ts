import { createHash, timingSafeEqual } from 'node:crypto';

/** `SHA-256=<base64>` as Mastodon, PeerTube and Fedify send and expect it. */
export function digestHeaderValue(body: Uint8Array): string {
  return `SHA-256=${createHash('sha256').update(body).digest('base64')}`;
}

const BASE64_OF_32_BYTES = /^[A-Za-z0-9+/]{43}=$/;

/**
 * Checks every SHA-256 entry of a Digest header against the raw body (Mastodon's rule: the
 * entry is required, case-insensitive, valid base64 of 32 bytes). Other algorithms are
 * ignored, as Mastodon does: SHA-256 alone already binds the body.
 */
export function checkDigest(header: string, rawBody: Uint8Array): { ok: true } | { ok: false; detail: string } {
  const expected = createHash('sha256').update(rawBody).digest();
  let found = false;
  for (const entry of header.split(',')) {
    const eq = entry.indexOf('=');
    if (eq < 0) continue;
    if (entry.slice(0, eq).trim().toLowerCase() !== 'sha-256') continue;
    found = true;
    const value = entry.slice(eq + 1).trim();
    if (!BASE64_OF_32_BYTES.test(value)) return { ok: false, detail: 'the SHA-256 digest is not base64 of 32 bytes' };
    if (!timingSafeEqual(Buffer.from(value, 'base64'), expected)) return { ok: false, detail: 'the SHA-256 digest does not match the body' };
  }
  return found ? { ok: true } : { ok: false, detail: 'the Digest header has no SHA-256 entry' };
}

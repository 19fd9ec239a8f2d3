import { createPublicKey, verify } from 'node:crypto';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { headerValue, signingString } from './signing-string.js';
import { fixture, recordingResolver } from './test-fixtures.js';
import { verifyRequest } from './verify-request.js';

/**
 * A real request from Mastodon 2.5 (PeerTube's "bad body" fixture): its signature over the
 * headers is genuine, but the body is not the one its Digest announced.
 */
interface Capture {
  request: { method: string; path: string; headers: Record<string, string>; bodyJson: unknown };
  signingString: string;
  keyId: string;
  publicKeyPem: string;
}
const capture = fixture<Capture>('mastodon-2.5-signed-inbox-post.json');
const publicKey = createPublicKey(capture.publicKeyPem);
const rawBody = Buffer.from(JSON.stringify(capture.request.bodyJson));
const sentAt = new Date(capture.request.headers['date']!);

function verifyCapture(now: Date) {
  const resolver = recordingResolver(() => ({ publicKey, owner: 'http://localhost:3000/users/ronan2' }));
  const result = verifyRequest({ method: capture.request.method, url: capture.request.path, headers: capture.request.headers, rawBody, now, resolveKey: resolver.resolve });
  return { result, resolver };
}

describe('real capture: Mastodon 2.5 signed inbox POST with a changed body', () => {
  test('the header signature itself is genuine (so the rejection below is the body\'s fault)', () => {
    const lines = ['(request-target)', 'host', 'date', 'digest', 'content-type'].map((name): [string, string] =>
      name === '(request-target)' ? [name, `post ${capture.request.path}`] : [name, headerValue(capture.request.headers, name)!]);
    assert.equal(signingString(lines), capture.signingString);
    const signature = Buffer.from(/signature="([^"]+)"/.exec(capture.request.headers['signature']!)![1]!, 'base64');
    assert.equal(verify('sha256', Buffer.from(capture.signingString), publicKey, signature), true);
  });

  test('rejected for its Digest mismatch, with the clock set to when it was sent, and no key is fetched', async () => {
    const { result, resolver } = verifyCapture(new Date(sentAt.getTime() + 5000));
    const r = await result;
    assert.ok(!r.verified);
    assert.equal(r.reason.type, 'digestMismatch');
    assert.equal(r.keyId, capture.keyId);
    assert.equal(resolver.calls.length, 0);
  });

  test('rejected as out of the clock window today', async () => {
    const r = await verifyCapture(new Date()).result;
    assert.ok(!r.verified);
    assert.equal(r.reason.type, 'dateOutOfWindow');
  });
});

import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { signRequest } from './sign-request.js';
import { headerValue, requestTarget, signingString } from './signing-string.js';
import { fixture, lowerCased, recordingResolver } from './test-fixtures.js';
import { verifyRequest } from './verify-request.js';

/** draft-cavage-http-signatures-12 Appendix C: the published test key, request and signatures. */
interface Vectors {
  keyId: string;
  publicKeyPem: string;
  privateKeyPem: string;
  request: { method: string; path: string; headers: Array<[string, string]>; body: string };
  tests: Array<{ id: string; headersParam: string | null; effectiveHeaders: string[]; signingString: string; signature: string; signatureHeader?: string; authorizationHeader?: string }>;
}
const vectors = fixture<Vectors>('cavage-12-appendix-c.json');
const publicKey = createPublicKey(vectors.publicKeyPem);
const privateKey = createPrivateKey(vectors.privateKeyPem);
const headers = lowerCased(Object.fromEntries(vectors.request.headers));
const rawBody = Buffer.from(vectors.request.body, 'utf8');
const signedAt = new Date('Sun, 05 Jan 2014 21:31:40 GMT');
const vector = (id: string) => vectors.tests.find((t) => t.id === id)!;
/** C.2 is printed only as an Authorization header: its "Signature " prefix is what old Mastodon sent in Signature. */
const signatureHeaderOf = (id: string) => vector(id).signatureHeader ?? vector(id).authorizationHeader!;

function verifyVector(id: string, options: { minimumRsaBits?: number; now?: Date } = {}) {
  const resolver = recordingResolver(() => ({ publicKey, owner: 'https://example.com/actor' }));
  const result = verifyRequest({
    method: vectors.request.method,
    url: vectors.request.path,
    headers: { ...headers, signature: signatureHeaderOf(id) },
    rawBody,
    now: options.now ?? signedAt,
    resolveKey: resolver.resolve,
    minimumRsaBits: options.minimumRsaBits ?? 1024,
  });
  return { result, resolver };
}

describe('draft-cavage-12 appendix C vectors', () => {
  for (const t of vectors.tests) {
    test(`${t.id}: our signing string and RSA-SHA256 signature are the published ones, byte for byte`, () => {
      const lines = t.effectiveHeaders.map((name): [string, string] =>
        name === '(request-target)' ? [name, requestTarget(vectors.request.method, vectors.request.path)] : [name, headerValue(headers, name)!]);
      const text = signingString(lines);
      assert.equal(text, t.signingString);
      assert.equal(sign('sha256', Buffer.from(text), privateKey).toString('base64'), t.signature);
    });
  }

  test('C.3 (all headers, digest signed) is accepted when the 1024-bit test key is allowed', async () => {
    const { result } = verifyVector('C.3');
    const r = await result;
    assert.equal(r.verified, true, JSON.stringify(r));
    assert.ok(r.verified);
    assert.equal(r.keyId, 'Test');
    assert.equal(r.owner, 'https://example.com/actor');
    assert.deepEqual(r.signedHeaders, ['(request-target)', 'host', 'date', 'content-type', 'digest', 'content-length']);
  });

  test('C.3 is refused with the default minimum of 2048 bits', async () => {
    const r = await verifyRequest({
      method: 'POST', url: vectors.request.path, headers: { ...headers, signature: signatureHeaderOf('C.3') }, rawBody, now: signedAt,
      resolveKey: () => ({ publicKey, owner: 'https://example.com/actor' }),
    });
    assert.equal(r.verified, false);
    assert.ok(!r.verified);
    assert.equal(r.reason.type, 'invalidKey');
  });

  test('C.1 (only date signed) is rejected: (request-target) and host are required', async () => {
    const r = await verifyVector('C.1').result;
    assert.ok(!r.verified);
    assert.equal(r.reason.type, 'missingSignedHeader');
    assert.match(r.reason.detail, /\(request-target\)/);
  });

  test('C.2 (a POST whose digest is not signed) is rejected, before any key look-up', async () => {
    const { result, resolver } = verifyVector('C.2');
    const r = await result;
    assert.ok(!r.verified);
    assert.equal(r.reason.type, 'missingSignedHeader');
    assert.match(r.reason.detail, /digest/);
    assert.equal(resolver.calls.length, 0);
  });

  test('C.3 a day later is out of the clock window', async () => {
    const r = await verifyVector('C.3', { now: new Date(signedAt.getTime() + 86_400_000) }).result;
    assert.ok(!r.verified);
    assert.equal(r.reason.type, 'dateOutOfWindow');
  });

  test('signRequest on the vector request gives its Date and Digest, and a signature over (request-target) host date digest', async () => {
    const signed = signRequest({
      method: 'POST', url: `https://example.com${vectors.request.path}`, body: vectors.request.body, keyId: 'Test', privateKey, now: signedAt,
    });
    assert.equal(signed.Date, headers['date']);
    assert.equal(signed.Host, 'example.com');
    assert.equal(signed.Digest, headers['digest']);
    const expected = sign('sha256', Buffer.from(signingString([
      ['(request-target)', 'post /foo?param=value&pet=dog'], ['host', 'example.com'], ['date', headers['date']!], ['digest', headers['digest']!],
    ])), privateKey).toString('base64');
    assert.equal(signed.Signature, `keyId="Test",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="${expected}"`);
    const r = await verifyRequest({
      method: 'POST', url: vectors.request.path, headers: { ...headers, signature: signed.Signature }, rawBody, now: signedAt,
      resolveKey: () => ({ publicKey, owner: 'https://example.com/actor' }), minimumRsaBits: 1024,
    });
    assert.equal(r.verified, true);
  });
});

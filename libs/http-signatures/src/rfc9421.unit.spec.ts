import { createHash, createHmac, createPrivateKey, createPublicKey, constants, sign, verify, type KeyObject } from 'node:crypto';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { httpbis } from 'http-message-signatures';
import { parseDictionary, type InnerList } from 'structured-headers';
import { fixture, lowerCased, recordingResolver } from './test-fixtures.js';
import type { VerificationFailureType, VerifyRequestOptions } from './types.js';
import { verifyRequest } from './verify-request.js';
import { rfc9421SignatureBases } from './verify-rfc9421.js';

/** RFC 9421 appendix B: keys, the test request and the published signature bases. */
interface Vectors {
  keys: Record<string, { publicKeyPem?: string; privateKeyPem?: string; secretBase64?: string }>;
  messages: Record<string, string>;
  cases: Array<{ id: string; message: string; label: string; alg: string; keyid: string; signatureBase: string; signatureInputHeader: string; signatureB64: string }>;
}
const vectors = fixture<Vectors>('rfc9421-appendix-b.json');

/** An HTTP/1.1 request as printed in the RFC: request line, headers, blank line, body. */
function parseMessage(text: string) {
  const [head, ...rest] = text.split('\n\n');
  const [requestLine, ...headerLines] = head!.split('\n');
  const [method, target] = requestLine!.split(' ');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { method: method!, target: target!, headers, body: Buffer.from(rest.join('\n\n')) };
}
const testRequest = parseMessage(vectors.messages['test-request']!);

function inputOf(signatureInputHeader: string): InnerList {
  return [...parseDictionary(signatureInputHeader).values()][0] as InnerList;
}

/** The published signature checked with node's crypto over our base, one rule per algorithm. */
function publishedSignatureVerifies(alg: string, keyName: string, base: string, signatureB64: string): boolean {
  const key = vectors.keys[keyName]!;
  const data = Buffer.from(base);
  const signature = Buffer.from(signatureB64, 'base64');
  switch (alg) {
    case 'rsa-pss-sha512':
      return verify('sha512', data, { key: createPublicKey(key.publicKeyPem!), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 }, signature);
    case 'ed25519':
      return verify(null, data, createPublicKey(key.publicKeyPem!), signature);
    case 'hmac-sha256':
      return createHmac('sha256', Buffer.from(key.secretBase64!, 'base64')).update(data).digest().equals(signature);
    default:
      throw new Error(`no rule for ${alg}`);
  }
}

describe('RFC 9421 appendix B vectors', () => {
  for (const c of vectors.cases.filter((c) => c.message === 'test-request')) {
    test(`${c.id}: our signature base is the published one, and its signature verifies over it`, () => {
      const bases = rfc9421SignatureBases(inputOf(c.signatureInputHeader), {
        method: testRequest.method,
        targetUris: [`https://example.com${testRequest.target}`],
        headers: testRequest.headers,
      });
      assert.ok(bases.ok, JSON.stringify(bases));
      assert.equal(bases.bases[0], c.signatureBase);
      assert.equal(publishedSignatureVerifies(c.alg, c.keyid, bases.bases[0]!, c.signatureB64), true);
    });
  }

  test('B.2.3 as a request to our verifier: refused, it covers neither @method nor @target-uri', async () => {
    const c = vectors.cases.find((c) => c.id === 'B.2.3')!;
    const result = await verifyRequest({
      method: 'POST', url: testRequest.target, headers: { ...testRequest.headers, 'signature-input': c.signatureInputHeader, signature: `${c.label}=:${c.signatureB64}:` },
      rawBody: testRequest.body, now: new Date(1618884473_000), resolveKey: () => ({ publicKey: createPublicKey(vectors.keys['test-key-rsa-pss']!.publicKeyPem!), owner: 'x' }),
    });
    assert.ok(!result.verified);
    assert.equal(result.reason.type, 'missingSignedHeader');
  });
});

const rsa = vectors.keys['test-key-rsa']!;
const privateKey = createPrivateKey(rsa.privateKeyPem!);
const publicKey = createPublicKey(rsa.publicKeyPem!);
const owner = 'https://mastodon.example/users/bob';
const keyId = `${owner}#main-key`;
const now = new Date('2026-11-25T17:00:00Z');
const body = Buffer.from(JSON.stringify({ type: 'Follow', actor: owner }));
const contentDigest = `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;

interface SignOptions {
  fields?: string[];
  params?: string[];
  alg?: string;
  created?: Date;
  headers?: Record<string, string>;
  key?: KeyObject;
  url?: string;
  method?: string;
}

/** A request signed by http-message-signatures' own signer, the way Mastodon 4.5 signs. */
async function signed(options: SignOptions = {}) {
  const url = options.url ?? 'https://pod.example/federation/inbox';
  const method = options.method ?? 'POST';
  const message = await httpbis.signMessage({
    key: { id: keyId, alg: options.alg ?? 'rsa-v1_5-sha256', sign: async (data) => sign('sha256', data, options.key ?? privateKey) },
    fields: options.fields ?? ['@method', '@target-uri', 'content-digest'],
    params: options.params ?? ['created', 'keyid'],
    paramValues: { created: options.created ?? now },
  }, { method, url, headers: { Host: new URL(url).host, 'Content-Type': 'application/activity+json', 'Content-Digest': contentDigest, ...options.headers } });
  const { pathname, search } = new URL(url);
  return { method, url: pathname + search, headers: lowerCased(message.headers as Record<string, string>), rawBody: method === 'GET' ? undefined : body };
}

async function check(request: Pick<VerifyRequestOptions, 'method' | 'url' | 'headers' | 'rawBody'>, options: Partial<VerifyRequestOptions> = {}) {
  return verifyRequest({ ...request, now, resolveKey: () => ({ publicKey, owner }), ...options });
}

async function rejects(request: Pick<VerifyRequestOptions, 'method' | 'url' | 'headers' | 'rawBody'>, type: VerificationFailureType, options: Partial<VerifyRequestOptions> = {}) {
  const result = await check(request, options);
  assert.ok(!result.verified, `expected ${type}, got accepted`);
  assert.equal(result.reason.type, type, result.reason.detail);
}

describe('RFC 9421 verification (Mastodon 4.4+ rules)', () => {
  test('accepts @method @target-uri content-digest with created and keyid, over https or http', async () => {
    const result = await check(await signed());
    assert.ok(result.verified, JSON.stringify(result));
    assert.equal(result.scheme, 'rfc9421');
    assert.equal(result.keyId, keyId);
    assert.equal(result.owner, owner);
    assert.deepEqual(result.signedHeaders, ['@method', '@target-uri', 'content-digest']);
    assert.ok((await check(await signed({ url: 'http://localhost:9001/federation/inbox?x=1' }))).verified);
  });

  test('accepts a signed GET and an explicit alg="rsa-v1_5-sha256"', async () => {
    const get = await signed({ method: 'GET', fields: ['@method', '@target-uri'], params: ['created', 'keyid', 'alg'] });
    assert.ok((await check(get)).verified);
  });

  test('C11: created missing, @target-uri not covered, content-digest not covered on POST', async () => {
    await rejects(await signed({ params: ['keyid'] }), 'malformedSignature');
    await rejects(await signed({ fields: ['@method', '@authority', '@path', 'content-digest'] }), 'missingSignedHeader');
    await rejects(await signed({ fields: ['@method', '@target-uri'] }), 'missingSignedHeader');
  });

  test('B2, B5, B6: keyid missing, another algorithm, out of the clock window', async () => {
    await rejects(await signed({ params: ['created'] }), 'malformedSignature');
    await rejects(await signed({ alg: 'rsa-pss-sha512', params: ['created', 'keyid', 'alg'] }), 'unsupportedAlgorithm');
    await rejects(await signed({ created: new Date(now.getTime() - 2 * 3600_000) }), 'dateOutOfWindow');
  });

  test('B4: the body changed, Content-Digest unparseable or without sha-256', async () => {
    const request = await signed();
    await rejects({ ...request, rawBody: Buffer.from('{}') }, 'digestMismatch');
    await rejects({ ...request, headers: { ...request.headers, 'content-digest': 'sha-256=nope' } }, 'digestMismatch');
    await rejects(await signed({ headers: { 'Content-Digest': 'sha-512=:AAAA:' } }), 'digestMismatch');
  });

  test('B1: two signatures, a Signature without the labelled member, garbage', async () => {
    const request = await signed();
    const input = request.headers['signature-input']!;
    await rejects({ ...request, headers: { ...request.headers, 'signature-input': `${input}, ${input.replace(/^sig=/, 'sig2=')}` } }, 'malformedSignature');
    await rejects({ ...request, headers: { ...request.headers, signature: 'other=:AAAA:' } }, 'malformedSignature');
    await rejects({ ...request, headers: { ...request.headers, 'signature-input': 'sig1=("@method" ' } }, 'malformedSignature');
  });

  test('a tampered method or target, a wrong key after one refresh', async () => {
    const request = await signed();
    await rejects({ ...request, url: '/federation/inbox2' }, 'invalidSignature');
    await rejects({ ...request, method: 'PUT' }, 'invalidSignature');
    const resolver = recordingResolver(() => ({ publicKey: createPublicKey(vectors.keys['test-key-rsa-pss']!.publicKeyPem!), owner }));
    await rejects(request, 'invalidSignature', { resolveKey: resolver.resolve });
    assert.equal(resolver.calls.length, 2);
  });
});

describe('RFC 9421 verification never throws', () => {
  test('two thousand mutated Signature-Input and Signature headers, and oversized ones', async () => {
    const request = await signed();
    let seed = 11;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = '"();=:,@ -*?\\\u0000abckeyidcreatedsig0123456789';
    const mutate = (text: string) => {
      const chars = [...text];
      for (let k = 0, edits = 1 + random(3); k < edits; k++) {
        const at = random(chars.length);
        if (random(2) === 0) chars.splice(at, 1);
        else chars.splice(at, 0, alphabet[random(alphabet.length)]!);
      }
      return chars.join('');
    };
    for (let i = 0; i < 2000; i++) {
      const name = i % 2 === 0 ? 'signature-input' : 'signature';
      const result = await check({ ...request, headers: { ...request.headers, [name]: mutate(request.headers[name]!) } });
      if (!result.verified) assert.equal(typeof result.reason.type, 'string');
    }
    await rejects({ ...request, headers: { ...request.headers, 'signature-input': `sig=(${'"a" '.repeat(50_000)});created=1;keyid="k"` } }, 'malformedSignature');
    await rejects({ ...request, headers: { ...request.headers, 'signature-input': ['a', 'b'] as unknown as string } }, 'malformedSignature');
  });
});

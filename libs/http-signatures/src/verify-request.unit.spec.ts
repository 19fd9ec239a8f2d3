import { generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { digestHeaderValue } from './digest.js';
import { signRequest } from './sign-request.js';
import { lowerCased, rawCavageSignature, recordingResolver, rsaKeys, type RawSignInput } from './test-fixtures.js';
import type { ResolvedKey, VerificationFailureType, VerificationResult, VerifyRequestOptions } from './types.js';
import { verifyRequest } from './verify-request.js';

const actor = 'https://remote.example/actor';
const keyId = `${actor}#main-key`;
const keys = rsaKeys('actor');
const rotated = rsaKeys('actor-rotated');
const stranger = rsaKeys('stranger');
const now = new Date('2026-11-25T17:00:00Z');
const inbox = 'https://pod.example/federation/inbox';
const body = JSON.stringify({ type: 'Create', actor, object: { type: 'Video', name: 'a, b "c"' } });
const rawBody = Buffer.from(body);

const current = (): ResolvedKey => ({ publicKey: keys.publicKey, owner: actor });

type Request = Pick<VerifyRequestOptions, 'method' | 'url' | 'headers' | 'rawBody'>;

/** What our pod sends: signRequest's headers on a JSON POST, as the receiving server sees them. */
function signedPost(options: { url?: string; now?: Date; privateKey?: typeof keys.privateKey } = {}): Request & { headers: Record<string, string> } {
  const url = options.url ?? inbox;
  const added = signRequest({ method: 'POST', url, body, keyId, privateKey: options.privateKey ?? keys.privateKey, now: options.now ?? now });
  const { pathname, search } = new URL(url);
  return { method: 'POST', url: pathname + search, headers: lowerCased({ ...added, 'Content-Type': 'application/activity+json' }), rawBody };
}

/** A request signed by hand over any header list, for the variants our signer never makes. */
function handSigned(over: Partial<RawSignInput> & { names: readonly string[]; omit?: string[] }): Request & { headers: Record<string, string> } {
  const headers: Record<string, string> = {
    host: 'pod.example',
    date: now.toUTCString(),
    digest: digestHeaderValue(rawBody),
    'content-type': 'application/activity+json',
    ...over.headers,
  };
  const method = over.method ?? 'POST';
  const path = over.path ?? '/federation/inbox';
  const signature = rawCavageSignature({ method, path, privateKey: keys.privateKey, algorithm: 'rsa-sha256', ...over, headers });
  for (const name of over.omit ?? []) delete headers[name];
  return { method, url: path, headers: { ...headers, signature }, rawBody: method === 'GET' ? undefined : rawBody };
}

async function check(request: Request, options: Partial<VerifyRequestOptions> = {}): Promise<VerificationResult> {
  return verifyRequest({ ...request, now, resolveKey: () => current(), ...options });
}

async function rejects(request: Request, type: VerificationFailureType, options: Partial<VerifyRequestOptions> = {}): Promise<string> {
  const result = await check(request, options);
  assert.equal(result.verified, false, `expected ${type}, got accepted`);
  assert.ok(!result.verified);
  assert.equal(result.reason.type, type, result.reason.detail);
  return result.reason.detail;
}

describe('verifyRequest accepts', () => {
  test('a POST signed by our signRequest, and tells who owns the key', async () => {
    const result = await check(signedPost());
    assert.ok(result.verified, JSON.stringify(result));
    assert.equal(result.scheme, 'draft-cavage');
    assert.equal(result.keyId, keyId);
    assert.equal(result.owner, actor);
    assert.deepEqual(result.signedHeaders, ['(request-target)', 'host', 'date', 'digest']);
    assert.equal(result.keyRefreshed, false);
  });

  test('a signed GET without body or digest', async () => {
    const added = signRequest({ method: 'GET', url: 'https://pod.example/federation/events?origin=x&after=3', keyId, privateKey: keys.privateKey, now });
    assert.equal(added.Digest, undefined);
    const result = await check({ method: 'GET', url: '/federation/events?origin=x&after=3', headers: lowerCased({ ...added }) });
    assert.ok(result.verified);
    assert.deepEqual(result.signedHeaders, ['(request-target)', 'host', 'date']);
  });

  test('hs2019 over (request-target) (created) host digest, with no Date header at all (PeerTube)', async () => {
    const created = Math.floor(now.getTime() / 1000) - 30;
    const request = handSigned({ algorithm: 'hs2019', created, names: ['(request-target)', '(created)', 'host', 'digest'], omit: ['date'] });
    const result = await check(request);
    assert.ok(result.verified, JSON.stringify(result));
    assert.deepEqual(result.signedHeaders, ['(request-target)', '(created)', 'host', 'digest']);
  });

  test('no algorithm parameter: hs2019 by default', async () => {
    const result = await check(handSigned({ algorithm: undefined, names: ['(request-target)', 'host', 'date', 'digest'] }));
    assert.ok(result.verified);
  });

  test('(request-target) signed without the query string when the URL has one (Fedify, old Mastodon)', async () => {
    const request = handSigned({ path: '/federation/inbox', names: ['(request-target)', 'host', 'date', 'digest'] });
    const result = await check({ ...request, url: '/federation/inbox?page=2' });
    assert.ok(result.verified);
  });

  test('(request-target) signed with the query string', async () => {
    const result = await check(signedPost({ url: `${inbox}?page=2` }));
    assert.ok(result.verified);
  });

  test('a Date 59 minutes old or 59 minutes ahead', async () => {
    assert.ok((await check(signedPost({ now: new Date(now.getTime() - 59 * 60_000) }))).verified);
    assert.ok((await check(signedPost({ now: new Date(now.getTime() + 59 * 60_000) }))).verified);
  });

  test('a lower-case sha-256= Digest entry beside other algorithms', async () => {
    const digest = digestHeaderValue(rawBody).replace('SHA-256=', 'sha-256=');
    const request = handSigned({ headers: { digest: `SHA-512=AAAA,${digest}` }, names: ['(request-target)', 'host', 'date', 'digest'] });
    assert.ok((await check(request)).verified);
  });

  test('the old "Signature " prefix inside the Signature header (old Mastodon)', async () => {
    const request = signedPost();
    assert.ok((await check({ ...request, headers: { ...request.headers, signature: `Signature ${request.headers['signature']}` } })).verified);
  });

  test('a key given as PEM text, and an absolute URL as url', async () => {
    const request = signedPost();
    const pem = keys.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const result = await check({ ...request, url: inbox }, { resolveKey: () => ({ publicKey: pem, owner: actor }) });
    assert.ok(result.verified);
  });
});

describe('verifyRequest rejects (checklist C1-C11)', () => {
  test('C1: the body changed after signing, or a Digest that is not base64 of 32 bytes, or no SHA-256 entry', async () => {
    const request = signedPost();
    assert.match(await rejects({ ...request, rawBody: Buffer.from(body.replace('Video', 'Vidéo')) }, 'digestMismatch'), /does not match/);
    assert.match(await rejects({ ...request, rawBody: undefined }, 'digestMismatch'), /does not match/);
    const badBase64 = handSigned({ headers: { digest: 'SHA-256=not*base64' }, names: ['(request-target)', 'host', 'date', 'digest'] });
    assert.match(await rejects(badBase64, 'digestMismatch'), /base64 of 32 bytes/);
    const short = handSigned({ headers: { digest: `SHA-256=${Buffer.alloc(31).toString('base64')}` }, names: ['(request-target)', 'host', 'date', 'digest'] });
    assert.match(await rejects(short, 'digestMismatch'), /base64 of 32 bytes/);
    const sha512Only = handSigned({ headers: { digest: 'SHA-512=AAAA' }, names: ['(request-target)', 'host', 'date', 'digest'] });
    assert.match(await rejects(sha512Only, 'digestMismatch'), /no SHA-256/);
  });

  test('C2: a Date of 2015-10-21, a Date more than an hour ahead, a past expires, a narrower window', async () => {
    await rejects(signedPost({ now: new Date('2015-10-21T00:00:00Z') }), 'dateOutOfWindow');
    await rejects(signedPost({ now: new Date(now.getTime() + 61 * 60_000) }), 'dateOutOfWindow');
    await rejects(signedPost({ now: new Date(now.getTime() - 45 * 60_000) }), 'dateOutOfWindow', { maxSkewSeconds: 1800 });
    const created = Math.floor(now.getTime() / 1000) - 7300;
    const expired = handSigned({ algorithm: 'hs2019', created: created + 7000, expires: created - 3700, names: ['(request-target)', '(created)', 'host', 'digest'] });
    assert.match(await rejects(expired, 'dateOutOfWindow'), /expired/);
    const unparseable = handSigned({ headers: { date: 'yesterday' }, names: ['(request-target)', 'host', 'date', 'digest'] });
    await rejects(unparseable, 'dateOutOfWindow');
  });

  test('C3: signed by another key: one refresh, then invalidSignature', async () => {
    const resolver = recordingResolver(() => current());
    await rejects(signedPost({ privateKey: stranger.privateKey }), 'invalidSignature', { resolveKey: resolver.resolve });
    assert.deepEqual(resolver.calls, [{ keyId, refresh: false }, { keyId, refresh: true }]);
  });

  test('C4: host, (request-target), or both date and (created) left unsigned', async () => {
    assert.match(await rejects(handSigned({ names: ['(request-target)', 'date', 'digest'] }), 'missingSignedHeader'), /host/);
    assert.match(await rejects(handSigned({ names: ['host', 'date', 'digest'] }), 'missingSignedHeader'), /\(request-target\)/);
    assert.match(await rejects(handSigned({ names: ['(request-target)', 'host', 'digest'] }), 'missingSignedHeader'), /date or \(created\)/);
    const get = handSigned({ method: 'GET', path: '/federation/actor', names: ['(request-target)', 'date'] });
    assert.match(await rejects(get, 'missingSignedHeader'), /host/);
  });

  test('C5: a POST whose digest is not signed, even with a valid Digest header', async () => {
    const resolver = recordingResolver(() => current());
    assert.match(await rejects(handSigned({ names: ['(request-target)', 'host', 'date'] }), 'missingSignedHeader', { resolveKey: resolver.resolve }), /digest/);
    assert.equal(resolver.calls.length, 0, 'rejected before any key fetch');
    const emptyPost = handSigned({ names: ['(request-target)', 'host', 'date'] });
    await rejects({ ...emptyPost, rawBody: undefined }, 'missingSignedHeader');
  });

  test('C6: one bit of the signature flipped, the method changed, the path changed', async () => {
    const request = signedPost();
    const signature = request.headers['signature']!;
    const value = /signature="([^"]+)"/.exec(signature)![1]!;
    const bytes = Buffer.from(value, 'base64');
    bytes[17]! ^= 0x04;
    const flipped = signature.replace(value, bytes.toString('base64'));
    await rejects({ ...request, headers: { ...request.headers, signature: flipped } }, 'invalidSignature');
    await rejects({ ...request, method: 'PUT' }, 'invalidSignature');
    await rejects({ ...request, url: '/federation/inbox2' }, 'invalidSignature');
    await rejects({ ...request, headers: { ...request.headers, host: 'other.example' } }, 'invalidSignature');
  });

  test('C7: no Signature header, an unsupported algorithm, no keyId, no signature parameter', async () => {
    const request = signedPost();
    const { signature, ...unsigned } = request.headers;
    await rejects({ ...request, headers: unsigned }, 'missingSignature');
    await rejects({ ...request, headers: { ...unsigned, signature: '' } }, 'missingSignature');
    await rejects({ ...request, headers: { ...request.headers, signature: signature!.replace('rsa-sha256', 'hmac-sha256') } }, 'unsupportedAlgorithm');
    await rejects({ ...request, headers: { ...request.headers, signature: signature!.replace(/keyId="[^"]*",/, '') } }, 'malformedSignature');
    await rejects({ ...request, headers: { ...request.headers, signature: signature!.replace(/,signature="[^"]*"/, '') } }, 'malformedSignature');
  });

  test('C8: a keyId refused by the receiver (blocked domain, private address) is never fetched', async () => {
    const resolver = recordingResolver(() => current());
    const isKeyIdAllowed = (id: string) => !['remote.example', '127.0.0.1'].includes(new URL(id).hostname);
    await rejects(signedPost(), 'keyIdRejected', { resolveKey: resolver.resolve, isKeyIdAllowed });
    await rejects(signedPost(), 'keyIdRejected', { resolveKey: resolver.resolve, isKeyIdAllowed: () => { throw new Error('bad policy'); } });
    assert.equal(resolver.calls.length, 0);
  });

  test('C9: the result names the key owner, so an activity by another actor can be refused by the inbox', async () => {
    const result = await check(signedPost(), { resolveKey: () => ({ publicKey: keys.publicKey, owner: 'https://other.example/actor' }) });
    assert.ok(result.verified);
    assert.notEqual(result.owner, (JSON.parse(body) as { actor: string }).actor);
  });

  test('(created) with rsa-sha256, (created) without its parameter, an unknown pseudo-header', async () => {
    const created = Math.floor(now.getTime() / 1000);
    await rejects(handSigned({ algorithm: 'rsa-sha256', created, names: ['(request-target)', '(created)', 'host', 'digest'] }), 'malformedSignature');
    await rejects(handSigned({ algorithm: 'hs2019', names: ['(request-target)', '(created)', 'host', 'digest'] }), 'malformedSignature');
    await rejects(handSigned({ names: ['(request-target)', '(keyid)', 'host', 'date', 'digest'] }), 'malformedSignature');
  });

  test('a signed header that the request does not carry', async () => {
    const request = handSigned({ names: ['(request-target)', 'host', 'date', 'digest', 'content-type'], omit: ['content-type'] });
    assert.match(await rejects(request, 'missingHeader'), /content-type/);
  });

  test('duplicate parameters, two Signature headers, a signature that is not base64', async () => {
    const request = signedPost();
    const signature = request.headers['signature']!;
    await rejects({ ...request, headers: { ...request.headers, signature: `${signature},keyId="https://evil.example/key"` } }, 'malformedSignature');
    await rejects({ ...request, headers: { ...request.headers, signature: [signature, signature] } }, 'malformedSignature');
    await rejects({ ...request, headers: { ...request.headers, signature: signature.replace(/signature="[^"]{4}/, 'signature="!!!!') } }, 'malformedSignature');
  });

  test('keys: none, unreachable, too small, not RSA, no owner', async () => {
    await rejects(signedPost(), 'keyNotFound', { resolveKey: () => null });
    await rejects(signedPost(), 'keyUnavailable', { resolveKey: () => { throw new Error('connect ECONNREFUSED'); } });
    await rejects(signedPost(), 'keyUnavailable', { resolveKey: () => Promise.reject(new Error('timeout')) });
    const small = rsaKeys('small', 1024);
    await rejects(signedPost({ privateKey: small.privateKey }), 'invalidKey', { resolveKey: () => ({ publicKey: small.publicKey, owner: actor }) });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await rejects(signedPost(), 'invalidKey', { resolveKey: () => ({ publicKey: ec.publicKey, owner: actor }) });
    await rejects(signedPost(), 'invalidKey', { resolveKey: () => ({ publicKey: 'not a pem', owner: actor }) });
    await rejects(signedPost(), 'invalidKey', { resolveKey: () => ({ publicKey: keys.publicKey }) as unknown as ResolvedKey });
  });
});

describe('key rotation', () => {
  test('the cached key is the old one: exactly one refresh, then accepted', async () => {
    const resolver = recordingResolver((_, refresh) => ({ publicKey: refresh ? rotated.publicKey : keys.publicKey, owner: actor }));
    const result = await check(signedPost({ privateKey: rotated.privateKey }), { resolveKey: resolver.resolve });
    assert.ok(result.verified);
    assert.equal(result.keyRefreshed, true);
    assert.deepEqual(resolver.calls, [{ keyId, refresh: false }, { keyId, refresh: true }]);
  });

  test('the refreshed key is still wrong: rejected after exactly one refresh', async () => {
    const resolver = recordingResolver((_, refresh) => ({ publicKey: refresh ? rotated.publicKey : keys.publicKey, owner: actor }));
    await rejects(signedPost({ privateKey: stranger.privateKey }), 'invalidSignature', { resolveKey: resolver.resolve });
    assert.equal(resolver.calls.length, 2);
  });

  test('the key vanished on refresh, or the refresh failed', async () => {
    await rejects(signedPost({ privateKey: rotated.privateKey }), 'invalidSignature', { resolveKey: (_, { refresh }) => (refresh ? null : current()) });
    await rejects(signedPost({ privateKey: rotated.privateKey }), 'keyUnavailable', {
      resolveKey: (_, { refresh }) => { if (refresh) throw new Error('503'); return current(); },
    });
  });

  test('a key the resolver just fetched is not fetched again', async () => {
    const resolver = recordingResolver(() => ({ ...current(), cached: false }));
    await rejects(signedPost({ privateKey: stranger.privateKey }), 'invalidSignature', { resolveKey: resolver.resolve });
    assert.equal(resolver.calls.length, 1);
  });

  test('a good signature costs one look-up', async () => {
    const resolver = recordingResolver(() => current());
    assert.ok((await check(signedPost(), { resolveKey: resolver.resolve })).verified);
    assert.equal(resolver.calls.length, 1);
  });
});

describe('verifyRequest never throws', () => {
  const TYPES = new Set<string>(['missingSignature', 'malformedSignature', 'unsupportedAlgorithm', 'missingSignedHeader', 'missingHeader', 'digestMismatch', 'dateOutOfWindow', 'keyIdRejected', 'keyNotFound', 'keyUnavailable', 'invalidKey', 'invalidSignature']);

  async function rejectsQuietly(options: unknown): Promise<void> {
    const result = await verifyRequest(options as VerifyRequestOptions);
    assert.equal(result.verified, false);
    assert.ok(!result.verified && TYPES.has(result.reason.type), JSON.stringify(result));
  }

  test('hostile shapes: huge headers, wrong types, prototype names, no options', async () => {
    const request = signedPost();
    const base = { ...request, now, resolveKey: () => current() };
    await rejectsQuietly({ ...base, headers: { ...request.headers, signature: 'a'.repeat(1_000_000) } });
    await rejectsQuietly({ ...base, headers: { ...request.headers, signature: `keyId="x",headers="${'host '.repeat(100_000)}",signature="AAAA"` } });
    await rejectsQuietly({ ...base, headers: { ...request.headers, signature: 42 } });
    await rejectsQuietly({ ...base, headers: { ...request.headers, digest: ['a', 'b'], signature: request.headers['signature']!.replace('digest"', 'digest constructor __proto__"') } });
    await rejectsQuietly({ ...base, headers: null });
    await rejectsQuietly({ ...base, method: undefined });
    await rejectsQuietly({ ...base, url: 7 });
    await rejectsQuietly({ ...base, resolveKey: 'not a function' });
    await rejectsQuietly({ ...base, rawBody: 'not bytes' });
    await rejectsQuietly(undefined);
  });

  test('ten thousand mutated Signature headers', async () => {
    const request = signedPost();
    const original = request.headers['signature']!;
    const alphabet = '",= ()\\\u0000\u00e9abcKEYIDkeyIdheaderssignaturealgorithmcreated0123456789+/';
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 10_000; i++) {
      const chars = [...original];
      for (let k = 0, edits = 1 + random(4); k < edits; k++) {
        const at = random(chars.length);
        const op = random(3);
        if (op === 0) chars.splice(at, 1);
        else if (op === 1) chars.splice(at, 0, alphabet[random(alphabet.length)]!);
        else chars[at] = alphabet[random(alphabet.length)]!;
      }
      const mutated = chars.join('');
      if (mutated === original) continue;
      const result = await verifyRequest({ ...request, headers: { ...request.headers, signature: mutated }, now, resolveKey: () => current() });
      // A mutation outside what is signed (a parameter's spelling, a space) may still verify; nothing may throw.
      if (!result.verified) assert.ok(TYPES.has(result.reason.type));
    }
  });
});

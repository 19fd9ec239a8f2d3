import { webcrypto } from 'node:crypto';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getDocumentLoader, type DocumentLoader } from '@fedify/fedify';
import { signRequest as fedifySignRequest, verifyRequest as fedifyVerifyRequest } from '@fedify/fedify/sig';
import { signRequest } from './sign-request.js';
import { recordingResolver, rsaKeys } from './test-fixtures.js';
import { verifyRequest } from './verify-request.js';

/**
 * Our draft-cavage signatures against an independent implementation, @fedify/fedify 1.5.9,
 * both ways, with no network: Fedify reads the sender's actor document from memory.
 */

const actor = 'https://remote.example/users/alice';
const keyId = `${actor}#main-key`;
const keys = rsaKeys('fedify-interop');
const AS = 'https://www.w3.org/ns/activitystreams';
const SECURITY = 'https://w3id.org/security/v1';

const actorDocument = {
  '@context': [AS, SECURITY],
  id: actor,
  type: 'Person',
  preferredUsername: 'alice',
  inbox: `${actor}/inbox`,
  publicKey: { id: keyId, owner: actor, publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }) },
};

const bundled = getDocumentLoader();
const documentLoader: DocumentLoader = async (url) => {
  if (url.split('#')[0] === actor) return { contextUrl: null, documentUrl: url, document: actorDocument };
  if (url === AS || url === SECURITY) return bundled(url);
  throw new Error(`offline test: nothing at ${url}`);
};

/**
 * The same key material as a WebCrypto key, which is what Fedify signs with, typed as
 * Fedify's (its Deno shim's) CryptoKey: Node 24's types add key usages (ML-KEM's
 * encapsulateBits…) that the shim does not list, though the object is the same.
 */
async function fedifyPrivateKey(): Promise<Parameters<typeof fedifySignRequest>[1]> {
  const key = await webcrypto.subtle.importKey('pkcs8', keys.privateKey.export({ type: 'pkcs8', format: 'der' }), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['sign']);
  return key as unknown as Parameters<typeof fedifySignRequest>[1];
}

const activity = JSON.stringify({ '@context': AS, type: 'Follow', actor, object: 'https://pod.example/federation/actor' });

/** A fetch Request as a Node server would see it: lower-case header names, the raw body bytes. */
async function asReceived(request: Request) {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => { headers[name] = value; });
  const rawBody = request.method === 'GET' ? undefined : Buffer.from(await request.arrayBuffer());
  return { method: request.method, url: url.pathname + url.search, headers, rawBody };
}

const ourResolver = () => recordingResolver(() => ({ publicKey: keys.publicKey, owner: actor }));

describe('interop with Fedify 1.5.9', () => {
  test('a POST signed by us verifies with Fedify', async () => {
    const url = 'https://pod.example/federation/inbox';
    const added = signRequest({ method: 'POST', url, body: activity, keyId, privateKey: keys.privateKey });
    const request = new Request(url, { method: 'POST', headers: { ...added, 'Content-Type': 'application/activity+json' }, body: activity });
    const key = await fedifyVerifyRequest(request, { documentLoader, contextLoader: documentLoader });
    assert.ok(key, 'Fedify accepted the signature');
    assert.equal(key.id?.href, keyId);
    assert.equal(key.ownerId?.href, actor);
  });

  test('a POST signed by us with a tampered body is refused by Fedify too', async () => {
    const url = 'https://pod.example/federation/inbox';
    const added = signRequest({ method: 'POST', url, body: activity, keyId, privateKey: keys.privateKey });
    const request = new Request(url, { method: 'POST', headers: { ...added }, body: activity.replace('Follow', 'Undo') });
    assert.equal(await fedifyVerifyRequest(request, { documentLoader, contextLoader: documentLoader }), null);
  });

  test('a POST signed by Fedify, (request-target) accept content-type date digest host, verifies with ours', async () => {
    const unsigned = new Request('https://pod.example/federation/inbox', {
      method: 'POST',
      headers: { Accept: 'application/activity+json', 'Content-Type': 'application/activity+json' },
      body: activity,
    });
    const signed = await fedifySignRequest(unsigned, await fedifyPrivateKey(), new URL(keyId));
    const resolver = ourResolver();
    const result = await verifyRequest({ ...(await asReceived(signed)), resolveKey: resolver.resolve });
    assert.ok(result.verified, JSON.stringify(result));
    assert.deepEqual(result.signedHeaders, ['(request-target)', 'accept', 'content-type', 'date', 'digest', 'host']);
    assert.equal(result.owner, actor);
    assert.deepEqual(resolver.calls, [{ keyId, refresh: false }]);
  });

  test('Fedify signs (request-target) without the query string: ours still verifies', async () => {
    const unsigned = new Request('https://pod.example/federation/inbox?via=relay', { method: 'POST', headers: { 'Content-Type': 'application/activity+json' }, body: activity });
    const signed = await fedifySignRequest(unsigned, await fedifyPrivateKey(), new URL(keyId));
    const received = await asReceived(signed);
    assert.equal(received.url, '/federation/inbox?via=relay');
    const result = await verifyRequest({ ...received, resolveKey: ourResolver().resolve });
    assert.ok(result.verified, JSON.stringify(result));
  });

  test('a GET signed by Fedify verifies with ours', async () => {
    const signed = await fedifySignRequest(new Request('https://pod.example/federation/outbox', { headers: { Accept: 'application/activity+json' } }), await fedifyPrivateKey(), new URL(keyId));
    const result = await verifyRequest({ ...(await asReceived(signed)), resolveKey: ourResolver().resolve });
    assert.ok(result.verified, JSON.stringify(result));
  });

  test('a Fedify-signed POST whose body changed is refused by ours with digestMismatch', async () => {
    const signed = await fedifySignRequest(new Request('https://pod.example/federation/inbox', { method: 'POST', body: activity }), await fedifyPrivateKey(), new URL(keyId));
    const received = await asReceived(signed);
    const result = await verifyRequest({ ...received, rawBody: Buffer.from(activity.replace('Follow', 'Block')), resolveKey: ourResolver().resolve });
    assert.ok(!result.verified);
    assert.equal(result.reason.type, 'digestMismatch');
  });
});

import { createHash, generateKeyPairSync, sign, verify, webcrypto } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import bs58 from 'bs58';
import {
  Create,
  DataIntegrityProof as FedifyProof,
  Note,
  createProof as fedifyCreateProof,
  getDocumentLoader,
  signObject,
  verifyObject,
  verifyProof as fedifyVerifyProof,
  type DocumentLoader,
} from '@fedify/fedify';
import { canonicalize } from './canonical.js';
import type { DataIntegrityProof, EventEnvelope, UnsignedEnvelope } from './envelope.js';
import { ed25519KeyId, multikeyDocument } from './multikey.js';
import { createProof, verifyProof } from './proof.js';
import { createEnvelopeSealer } from './sealer.js';
import { verifyEnvelope } from './verify-envelope.js';

/**
 * Our eddsa-jcs-2022 against an independent implementation, @fedify/fedify 1.5.9, with
 * no network: Fedify fetches the pod's actor document through an in-memory loader.
 */

const actor = 'http://localhost:9003/federation/actor';
const keyId = ed25519KeyId(actor);
const keys = generateKeyPairSync('ed25519');
const created = new Date('2026-11-25T17:00:00Z');

const AS = 'https://www.w3.org/ns/activitystreams';
const DATA_INTEGRITY = 'https://w3id.org/security/data-integrity/v1';
/** The contexts Fedify ships with; anything else would be a network fetch. */
const BUNDLED_CONTEXTS = new Set([AS, 'https://w3id.org/security/v1', DATA_INTEGRITY, 'https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1']);

/** The actor document shape a pod publishes: the Ed25519 key as a Multikey in assertionMethod (FEP-521a). */
const actorDocument = {
  '@context': [AS, 'https://w3id.org/security/v1', DATA_INTEGRITY, 'https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
  id: actor,
  type: 'Application',
  preferredUsername: 'pod',
  inbox: 'http://localhost:9003/federation/inbox',
  assertionMethod: [multikeyDocument(actor, keys.publicKey)],
};

const bundled = getDocumentLoader();
const documentLoader: DocumentLoader = async (url) => {
  // An HTTP client drops the fragment: `actor#ed25519-key` is answered by the actor document.
  if (url.split('#')[0] === actor) return { contextUrl: null, documentUrl: url, document: actorDocument };
  if (BUNDLED_CONTEXTS.has(url)) return bundled(url);
  throw new Error(`offline test: nothing at ${url}`);
};
const loaders = { documentLoader, contextLoader: documentLoader };

/** Fedify takes a proof as its vocabulary object, read from JSON-LD as it would be off the wire. */
function fedifyProofOf(proof: DataIntegrityProof | Record<string, unknown>): Promise<FedifyProof> {
  return FedifyProof.fromJsonLd({ '@context': DATA_INTEGRITY, ...proof }, loaders);
}

async function fedifyAccepts(document: Record<string, unknown>, proof: DataIntegrityProof | Record<string, unknown>): Promise<boolean> {
  const key = await fedifyVerifyProof(document, await fedifyProofOf(proof), loaders);
  if (key === null) return false;
  assert.equal(key.id?.href, keyId);
  assert.equal(key.controllerId?.href, actor);
  return true;
}

/**
 * Fedify signs with a WebCrypto key; the same key material as our KeyObject. Its type is
 * Fedify's own (its Deno shim's CryptoKey): Node 24's types add key usages (ML-KEM's
 * encapsulateBits…) that the shim does not list, though the object is the same.
 */
async function fedifyPrivateKey(): Promise<Parameters<typeof signObject>[1]> {
  const key = await webcrypto.subtle.importKey('jwk', keys.privateKey.export({ format: 'jwk' }), 'Ed25519', true, ['sign']);
  return key as unknown as Parameters<typeof signObject>[1];
}

/** Fedify's createProof takes a vocabulary object: this gives it a plain JSON document through the two calls it makes. */
function asFedifyObject(document: Record<string, unknown>): Note {
  return { clone: () => ({ toJsonLd: async () => structuredClone(document) }) } as unknown as Note;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

const unsigned: UnsignedEnvelope = {
  id: 'urn:uuid:019abbf2-7d00-7000-8000-000000000001',
  type: 'VideoPublished',
  schemaVersion: 1,
  origin: actor,
  originSeq: 1,
  prevHash: null,
  stream: 'video:0b8a3d6e-1f0c-4a55-9a9e-6f1d2c3b4a59',
  occurredAt: '2026-11-25T17:00:00.000Z',
  data: { name: 'Sintel', tags: ['blender'], duration: 888 },
};
const sealer = createEnvelopeSealer({ origin: actor, privateKey: keys.privateKey, now: () => created });

describe('interop with Fedify 1.5.9: JSON-LD documents (with @context)', () => {
  test('Fedify verifies a proof made by our createProof, and authenticates the actor with it', async () => {
    const activity = {
      '@context': [AS, DATA_INTEGRITY],
      id: 'http://localhost:9003/federation/activities/1',
      type: 'Create',
      actor,
      object: { id: 'http://localhost:9003/videos/1', type: 'Video', name: 'Sintel', attributedTo: actor },
    };
    const proof = createProof(activity, { privateKey: keys.privateKey, verificationMethod: keyId, created });
    assert.ok(await fedifyAccepts(activity, proof));
    // verifyObject also checks that the proof's key belongs to the activity's actor.
    const verified = await verifyObject(Create, { ...activity, proof }, loaders);
    assert.ok(verified instanceof Create);
    const tampered = { ...activity, object: { ...activity.object, name: 'Spam' } };
    assert.equal(await fedifyAccepts(tampered, proof), false);
  });

  test('our verifyProof accepts what Fedify signObject signed, and rejects it once changed', async () => {
    const note = new Note({ id: new URL('http://localhost:9003/notes/1'), attribution: new URL(actor), content: 'first light' });
    const signed = await signObject(note, await fedifyPrivateKey(), new URL(keyId), loaders);
    const json = (await signed.toJsonLd({ format: 'compact', contextLoader: documentLoader })) as Record<string, unknown>;
    const proof = json.proof as Record<string, unknown>;
    assert.equal(proof.cryptosuite, 'eddsa-jcs-2022');
    assert.equal(proof.verificationMethod, keyId);
    assert.deepEqual(verifyProof(json, keys.publicKey), { verified: true });
    assert.deepEqual(verifyProof({ ...json, content: 'last light' }, keys.publicKey), {
      verified: false,
      reason: { type: 'invalidSignature' },
    });
  });
});

describe('interop with Fedify 1.5.9: event envelopes', () => {
  test('our proof on an envelope is read by Fedify exactly as written (created has no fraction to drop)', async () => {
    const event = sealer.seal(unsigned);
    const proof = await fedifyProofOf(event.proof);
    assert.equal(proof.created?.toString(), event.proof.created);
    assert.equal(proof.verificationMethodId?.href, event.proof.verificationMethod);
    assert.deepEqual(proof.proofValue, bs58.decode(event.proof.proofValue.slice(1)));
  });

  test('KNOWN GAP: Fedify 1.5.9 cannot verify an envelope without @context, because json-canon writes "{,"', async () => {
    const event = sealer.seal(unsigned);
    assert.deepEqual(await verifyEnvelope(event, () => keys.publicKey), { verified: true });
    // If this starts passing, Fedify fixed it: turn this test into a plain interop test.
    assert.equal(await fedifyAccepts(event as unknown as Record<string, unknown>, event.proof), false);

    // The cause: Fedify builds the proof configuration as { '@context': document['@context'], … }.
    // With no @context that key is undefined, sorts first, is skipped, and json-canon
    // (1.0.1, the only release) still writes the comma that would have followed it.
    const jsonCanon = createRequire(import.meta.url)('json-canon') as (value: unknown) => string;
    assert.equal(jsonCanon({ '@context': undefined, b: 1, a: 2 }), '{,"a":2,"b":1}');

    // Everything else agrees: sign over Fedify's malformed configuration and our document
    // hash, and Fedify accepts it. So the gap is exactly that one byte.
    const { proofValue: _drop, ...config } = event.proof;
    const fedifyConfigBytes = '{,' + canonicalize(config).slice(1);
    const { proof: _proof, ...document } = event;
    const signature = sign(null, Buffer.concat([sha256(fedifyConfigBytes), sha256(canonicalize(document))]), keys.privateKey);
    const fedifyShapedProof = { ...event.proof, proofValue: 'z' + bs58.encode(signature) };
    assert.equal(await fedifyAccepts(document, fedifyShapedProof), true);
  });

  test('KNOWN GAP, other direction: Fedify createProof over a bare envelope signs the "{," bytes', async () => {
    const proof = await fedifyCreateProof(asFedifyObject({ ...unsigned }), await fedifyPrivateKey(), new URL(keyId));
    const proofJson = (await proof.toJsonLd({ format: 'compact', contextLoader: documentLoader })) as Record<string, unknown>;
    const { '@context': _context, ...proofFields } = proofJson;
    const event = { ...unsigned, proof: proofFields } as unknown as EventEnvelope;
    assert.deepEqual(await verifyEnvelope(event, () => keys.publicKey), { verified: false, reason: { type: 'invalidSignature' } });

    // The signature is over json-canon's "{,…" form of the proof configuration and our JCS of the document.
    const { proofValue, ...config } = event.proof;
    const fedifyConfigBytes = '{,' + canonicalize(config).slice(1);
    const signed = Buffer.concat([sha256(fedifyConfigBytes), sha256(canonicalize(unsigned))]);
    assert.ok(verify(null, signed, keys.publicKey, bs58.decode(proofValue.slice(1))));
  });

  test('with an @context added to the envelope, both directions verify (what a format change would buy)', async () => {
    const withContext = { '@context': DATA_INTEGRITY, ...unsigned };
    // Ours -> Fedify.
    const ours = createProof(withContext, { privateKey: keys.privateKey, verificationMethod: keyId, created });
    assert.ok(await fedifyAccepts(withContext, ours));
    // Fedify -> ours, through the envelope verifier (origin check included).
    const proof = await fedifyCreateProof(asFedifyObject(withContext), await fedifyPrivateKey(), new URL(keyId));
    const proofJson = (await proof.toJsonLd({ format: 'compact', contextLoader: documentLoader })) as Record<string, unknown>;
    const { '@context': _context, ...proofFields } = proofJson;
    const event = { ...withContext, proof: proofFields };
    assert.deepEqual(await verifyEnvelope(event, () => keys.publicKey), { verified: true });
  });
});

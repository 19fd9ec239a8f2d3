import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import bs58 from 'bs58';
import { createProof, verifyProof } from './proof.js';
import { decodeMultikey } from './multikey.js';

/**
 * The eddsa-jcs-2022 test vector of W3C vc-di-eddsa (TestVectors/eddsa-jcs-2022 and
 * TestVectors/keyPair.json in github.com/w3c/vc-di-eddsa). Ed25519 is deterministic, so
 * signing the same input must give the published signature byte for byte.
 */
const vector = {
  publicKeyMultibase: 'z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2',
  secretKeyMultibase: 'z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq',
  unsigned: {
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://www.w3.org/ns/credentials/examples/v2'],
    id: 'urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33',
    type: ['VerifiableCredential', 'AlumniCredential'],
    name: 'Alumni Credential',
    description: 'A minimum viable example of an Alumni Credential.',
    issuer: 'https://vc.example/issuers/5678',
    validFrom: '2023-01-01T00:00:00Z',
    credentialSubject: { id: 'did:example:abcdefgh', alumniOf: 'The School of Examples' },
  },
  proof: {
    type: 'DataIntegrityProof',
    cryptosuite: 'eddsa-jcs-2022',
    created: '2023-02-24T23:36:38Z',
    verificationMethod: 'https://vc.example/issuers/5678#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2',
    proofPurpose: 'assertionMethod',
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://www.w3.org/ns/credentials/examples/v2'],
    proofValue: 'z63t83Y53KfzJ5ZosfKTnqfMcKB2dmTrfjSaQjeNNjAD5srBowQfmWqeRb8rRjmeEuCBEsddF9LsVogtuTsijJKh4',
  },
  signatureHex:
    'fc91dec6565f35fbe185a77352e7fc512f95d1904da305cfef32ab8135469301f5a72d4e7a58368fc6ffc497b44633993bac054e3bc1436e3c846db8f1544503',
};

function vectorKeys() {
  const decoded = decodeMultikey(vector.publicKeyMultibase);
  assert.ok(decoded.ok);
  const secret = bs58.decode(vector.secretKeyMultibase.slice(1));
  assert.deepEqual([...secret.subarray(0, 2)], [0x80, 0x26], 'ed25519-priv multicodec header');
  const privateKey = createPrivateKey({
    key: {
      kty: 'OKP',
      crv: 'Ed25519',
      d: Buffer.from(secret.subarray(2)).toString('base64url'),
      x: Buffer.from(decoded.rawPublicKey).toString('base64url'),
    },
    format: 'jwk',
  });
  return { privateKey, publicKey: decoded.publicKey };
}

describe('eddsa-jcs-2022 against the W3C vc-di-eddsa test vector', () => {
  test('our verifier accepts the published signed credential', () => {
    const { publicKey } = vectorKeys();
    assert.deepEqual(verifyProof({ ...vector.unsigned, proof: vector.proof }, publicKey), { verified: true });
  });

  test('our signer reproduces the published signature byte for byte', () => {
    const { privateKey } = vectorKeys();
    const proof = createProof(vector.unsigned, {
      privateKey,
      verificationMethod: vector.proof.verificationMethod,
      created: new Date(vector.proof.created),
    });
    assert.equal(Buffer.from(bs58.decode(proof.proofValue.slice(1))).toString('hex'), vector.signatureHex);
    assert.equal(proof.proofValue, vector.proof.proofValue);
  });

  test('a changed credential subject fails against the published proof', () => {
    const { publicKey } = vectorKeys();
    const tampered = {
      ...vector.unsigned,
      credentialSubject: { ...vector.unsigned.credentialSubject, alumniOf: 'Another School' },
      proof: vector.proof,
    };
    assert.deepEqual(verifyProof(tampered, publicKey), { verified: false, reason: { type: 'invalidSignature' } });
  });
});

describe('createProof / verifyProof', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const document = { id: 'urn:uuid:1', kind: 'note', nested: { list: [1, 'two', null], 'é': true } };

  test('a proof verifies with the matching public key and not with another', () => {
    const signed = { ...document, proof: createProof(document, { privateKey, verificationMethod: 'https://a.example/actor#k' }) };
    assert.deepEqual(verifyProof(signed, publicKey), { verified: true });
    const other = generateKeyPairSync('ed25519').publicKey;
    assert.deepEqual(verifyProof(signed, other), { verified: false, reason: { type: 'invalidSignature' } });
  });

  test('key order does not matter: the proof is over the JCS form', () => {
    const proof = createProof(document, { privateKey, verificationMethod: 'https://a.example/actor#k' });
    const reordered = { nested: { 'é': true, list: [1, 'two', null] }, kind: 'note', id: 'urn:uuid:1', proof };
    assert.deepEqual(verifyProof(reordered, publicKey), { verified: true });
  });

  test('created is written in whole seconds', () => {
    const proof = createProof(document, {
      privateKey,
      verificationMethod: 'https://a.example/actor#k',
      created: new Date('2026-11-25T17:00:00.789Z'),
    });
    assert.equal(proof.created, '2026-11-25T17:00:00Z');
  });

  test('bad input gives a typed failure, never an exception', () => {
    const proof = createProof(document, { privateKey, verificationMethod: 'https://a.example/actor#k' });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const cases: Array<[unknown, unknown, string]> = [
      [null, publicKey, 'malformedProof'],
      ['text', publicKey, 'malformedProof'],
      [[document], publicKey, 'malformedProof'],
      [document, publicKey, 'malformedProof'],
      [{ ...document, proof: 'z123' }, publicKey, 'malformedProof'],
      [{ ...document, proof: { ...proof, type: 'Ed25519Signature2020' } }, publicKey, 'malformedProof'],
      [{ ...document, proof: { ...proof, cryptosuite: 'eddsa-rdfc-2022' } }, publicKey, 'unsupportedCryptosuite'],
      [{ ...document, proof: { ...proof, proofPurpose: 'authentication' } }, publicKey, 'malformedProof'],
      [{ ...document, proof: { ...proof, proofValue: 'u' + proof.proofValue.slice(1) } }, publicKey, 'malformedProof'],
      [{ ...document, proof: { ...proof, proofValue: 'z0OIl' } }, publicKey, 'malformedProof'],
      [{ ...document, proof: { ...proof, proofValue: 'z' + bs58.encode(new Uint8Array(63)) } }, publicKey, 'invalidSignature'],
      [{ ...document, proof }, rsa, 'keyMismatch'],
      [{ ...document, proof }, 'not a key', 'keyMismatch'],
    ];
    for (const [input, key, type] of cases) {
      const result = verifyProof(input, key as typeof publicKey);
      assert.equal(result.verified, false, JSON.stringify(input));
      assert.equal(!result.verified && result.reason.type, type, JSON.stringify(input));
    }
  });
});

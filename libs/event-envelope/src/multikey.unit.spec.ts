import { generateKeyPairSync, sign, verify, webcrypto } from 'node:crypto';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import bs58 from 'bs58';
import { exportMultibaseKey, importMultibaseKey } from '@fedify/fedify/runtime';
import { decodeMultikey, ed25519KeyId, encodeMultikey, multikeyDocument } from './multikey.js';

const actor = 'http://localhost:9003/federation/actor';

describe('Multikey (FEP-521a)', () => {
  test('encode then decode gives back a key that verifies what the private key signed', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const multibase = encodeMultikey(publicKey);
    assert.match(multibase, /^z6Mk[1-9A-HJ-NP-Za-km-z]{44}$/, 'every Ed25519 Multikey starts with z6Mk');
    const decoded = decodeMultikey(multibase);
    assert.ok(decoded.ok);
    const message = Buffer.from('hello');
    assert.ok(verify(null, message, decoded.publicKey, sign(null, message, privateKey)));
    assert.equal(encodeMultikey(privateKey), multibase, 'a private key encodes as its public half');
  });

  test('the W3C vc-di-eddsa test key decodes and re-encodes to itself', () => {
    const published = 'z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2';
    const decoded = decodeMultikey(published);
    assert.ok(decoded.ok);
    assert.equal(encodeMultikey(decoded.publicKey), published);
  });

  test('Fedify reads our encoding and writes the same string', async () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const ours = encodeMultikey(publicKey);
    const imported = await importMultibaseKey(ours);
    const raw = new Uint8Array(await webcrypto.subtle.exportKey('raw', imported as webcrypto.CryptoKey));
    assert.deepEqual(raw, new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)));
    assert.equal(await exportMultibaseKey(imported), ours);
  });

  test('a wrong multicodec prefix, a wrong length or a non-base58btc value is a typed failure', () => {
    const raw = new Uint8Array(32).fill(7);
    const withHeader = (header: number[], body: Uint8Array) => 'z' + bs58.encode(Uint8Array.from([...header, ...body]));
    const cases: Array<[unknown, string]> = [
      [withHeader([0xec, 0x01], raw), 'multikey-wrong-prefix'], // x25519-pub
      [withHeader([0x80, 0x24], new Uint8Array(33)), 'multikey-wrong-prefix'], // p256-pub
      [withHeader([0xed], new Uint8Array(0)), 'multikey-wrong-prefix'],
      [withHeader([0xed, 0x01], raw.subarray(0, 31)), 'multikey-wrong-length'],
      [withHeader([0xed, 0x01], new Uint8Array(33)), 'multikey-wrong-length'],
      ['u7QE' + Buffer.from(raw).toString('base64url'), 'multikey-not-base58btc'], // base64url multibase
      ['z0OIl', 'multikey-not-base58btc'],
      ['', 'multikey-not-base58btc'],
      [42, 'multikey-not-base58btc'],
      [null, 'multikey-not-base58btc'],
    ];
    for (const [value, code] of cases) {
      const decoded = decodeMultikey(value);
      assert.equal(decoded.ok, false, String(value));
      assert.equal(!decoded.ok && decoded.error.code, code, String(value));
    }
  });

  test('multikeyDocument names the key after the actor, as the proofs do', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    assert.deepEqual(multikeyDocument(actor, publicKey), {
      id: `${actor}#ed25519-key`,
      type: 'Multikey',
      controller: actor,
      publicKeyMultibase: encodeMultikey(publicKey),
    });
    assert.equal(ed25519KeyId(actor), `${actor}#ed25519-key`);
  });

  test('encoding refuses a key that is not Ed25519', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    assert.throws(() => encodeMultikey(publicKey), TypeError);
  });
});

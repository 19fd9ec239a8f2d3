import { KeyObject, generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventEnvelope, UnsignedEnvelope } from './envelope.js';
import { hashEvent } from './canonical.js';
import { EnvelopeSealerError, createEnvelopeSealer } from './sealer.js';
import { type KeyResolver, verifyEnvelope } from './verify-envelope.js';
import { signEnvelope } from './proof.js';

const podA = 'http://localhost:9001/federation/actor';
const podB = 'http://localhost:9002/federation/actor';
const keysA = generateKeyPairSync('ed25519');
const keysB = generateKeyPairSync('ed25519');
const directory = new Map<string, KeyObject>([
  [`${podA}#ed25519-key`, keysA.publicKey],
  [`${podB}#ed25519-key`, keysB.publicKey],
]);
const resolveKey: KeyResolver = (verificationMethod) => directory.get(verificationMethod) ?? null;
const at = new Date('2026-11-25T17:00:00.456Z');

function unsigned(overrides: Partial<UnsignedEnvelope> = {}): UnsignedEnvelope {
  return {
    id: 'urn:uuid:019abbf2-7d00-7000-8000-000000000042',
    type: 'VideoPublished',
    schemaVersion: 1,
    origin: podA,
    originSeq: 42,
    prevHash: 'a'.repeat(64),
    stream: 'video:0b8a3d6e-1f0c-4a55-9a9e-6f1d2c3b4a59',
    occurredAt: '2026-11-25T17:00:00.000Z',
    data: { name: 'Big Buck Bunny', tags: ['cc-by', 'blender'], duration: 596, infoHash: 'dd8255ecdc7ca55fb0bbf81323d87062db1f6d1c' },
    ...overrides,
  };
}

const sealerA = createEnvelopeSealer({ origin: podA, privateKey: keysA.privateKey, now: () => at });

function failureType(result: Awaited<ReturnType<typeof verifyEnvelope>>): string | undefined {
  return result.verified ? undefined : result.reason.type;
}

describe('createEnvelopeSealer', () => {
  test('seals with the origin key id, whole-second created, and keeps every field', () => {
    const event = sealerA.seal(unsigned());
    assert.equal(sealerA.origin, podA);
    assert.deepEqual({ ...event, proof: undefined }, { ...unsigned(), proof: undefined });
    assert.deepEqual(Object.keys(event.proof).sort(), ['created', 'cryptosuite', 'proofPurpose', 'proofValue', 'type', 'verificationMethod']);
    assert.equal(event.proof.verificationMethod, `${podA}#ed25519-key`);
    assert.equal(event.proof.created, '2026-11-25T17:00:00Z');
    assert.equal(event.proof.type, 'DataIntegrityProof');
    assert.equal(event.proof.cryptosuite, 'eddsa-jcs-2022');
    assert.equal(event.proof.proofPurpose, 'assertionMethod');
  });

  test('the same input and time seal to the same bytes (Ed25519 is deterministic), so hashes chain stably', () => {
    assert.equal(hashEvent(sealerA.seal(unsigned())), hashEvent(sealerA.seal(unsigned())));
  });

  test('refuses to seal an event of another origin', () => {
    assert.throws(() => sealerA.seal(unsigned({ origin: podB })), (e: unknown) => e instanceof EnvelopeSealerError && e.code === 'origin-mismatch');
  });

  test('refuses a key that is not an Ed25519 private key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    for (const privateKey of [rsa.privateKey, keysA.publicKey]) {
      assert.throws(
        () => createEnvelopeSealer({ origin: podA, privateKey }),
        (e: unknown) => e instanceof EnvelopeSealerError && e.code === 'sealer-key-invalid',
      );
    }
  });
});

describe('verifyEnvelope', () => {
  test('a sealed event verifies, also after a JSON round trip (as it travels)', async () => {
    const event = sealerA.seal(unsigned());
    assert.deepEqual(await verifyEnvelope(event, resolveKey), { verified: true });
    assert.deepEqual(await verifyEnvelope(JSON.parse(JSON.stringify(event)), resolveKey), { verified: true });
    const first = sealerA.seal(unsigned({ originSeq: 1, prevHash: null }));
    assert.deepEqual(await verifyEnvelope(first, resolveKey), { verified: true });
  });

  test('the resolver is asked for the origin key, and may be async', async () => {
    const asked: Array<[string, string]> = [];
    const result = await verifyEnvelope(sealerA.seal(unsigned()), async (vm, origin) => {
      asked.push([vm, origin]);
      return keysA.publicKey;
    });
    assert.deepEqual(result, { verified: true });
    assert.deepEqual(asked, [[`${podA}#ed25519-key`, podA]]);
  });

  const tamperings: Array<[string, (e: EventEnvelope) => EventEnvelope]> = [
    ['data (nested value)', (e) => ({ ...e, data: { ...(e.data as object), tags: ['cc-by', 'blender', 'spam'] } })],
    ['data (number)', (e) => ({ ...e, data: { ...(e.data as object), duration: 597 } })],
    ['data (extra key)', (e) => ({ ...e, data: { ...(e.data as object), sponsored: true } })],
    ['originSeq', (e) => ({ ...e, originSeq: 43 })],
    ['prevHash', (e) => ({ ...e, prevHash: 'b'.repeat(64) })],
    ['prevHash to null', (e) => ({ ...e, prevHash: null })],
    ['type', (e) => ({ ...e, type: 'VideoDeleted' })],
    ['id', (e) => ({ ...e, id: 'urn:uuid:019abbf2-7d00-7000-8000-000000000043' })],
    ['schemaVersion', (e) => ({ ...e, schemaVersion: 2 })],
    ['stream', (e) => ({ ...e, stream: 'video:ffffffff-1f0c-4a55-9a9e-6f1d2c3b4a59' })],
    ['occurredAt', (e) => ({ ...e, occurredAt: '2026-11-25T17:00:01.000Z' })],
    ['an added top-level field', (e) => ({ ...e, extra: 1 }) as EventEnvelope],
    ['proof.created', (e) => ({ ...e, proof: { ...e.proof, created: '2026-11-25T17:00:01Z' } })],
    ['proof.proofValue', (e) => ({ ...e, proof: { ...e.proof, proofValue: e.proof.proofValue.slice(0, -1) + (e.proof.proofValue.endsWith('2') ? '3' : '2') } })],
  ];

  for (const [field, tamper] of tamperings) {
    test(`changing ${field} breaks verification`, async () => {
      const result = await verifyEnvelope(tamper(sealerA.seal(unsigned())), resolveKey);
      assert.equal(failureType(result), 'invalidSignature');
    });
  }

  test('changing origin breaks verification, even when the proof is rewritten to match it', async () => {
    const event = sealerA.seal(unsigned());
    assert.equal(failureType(await verifyEnvelope({ ...event, origin: podB }, resolveKey)), 'foreignVerificationMethod');
    // Same key behind both names: only the signature over `origin` can tell.
    const sameKeyEverywhere: KeyResolver = () => keysA.publicKey;
    const moved = { ...event, origin: podB, proof: { ...event.proof, verificationMethod: `${podB}#ed25519-key` } };
    assert.equal(failureType(await verifyEnvelope(moved, sameKeyEverywhere)), 'invalidSignature');
  });

  test('changing proof.verificationMethod breaks verification', async () => {
    const event = sealerA.seal(unsigned());
    const elsewhere = { ...event, proof: { ...event.proof, verificationMethod: `${podA}#main-key` } };
    assert.equal(failureType(await verifyEnvelope(elsewhere, () => keysA.publicKey)), 'foreignVerificationMethod');
  });

  test('pod B cannot publish events in pod A’s name', async () => {
    // B signs honestly with its own key id: the key does not belong to the origin.
    const withOwnKeyId = signEnvelope(unsigned(), { privateKey: keysB.privateKey, verificationMethod: `${podB}#ed25519-key`, created: at });
    assert.deepEqual(await verifyEnvelope(withOwnKeyId, resolveKey), {
      verified: false,
      reason: { type: 'foreignVerificationMethod', origin: podA, verificationMethod: `${podB}#ed25519-key` },
    });
    // B claims A's key id: A's key does not verify B's signature.
    const withStolenKeyId = signEnvelope(unsigned(), { privateKey: keysB.privateKey, verificationMethod: `${podA}#ed25519-key`, created: at });
    assert.equal(failureType(await verifyEnvelope(withStolenKeyId, resolveKey)), 'invalidSignature');
    // B's own sealer will not even produce it.
    const sealerB = createEnvelopeSealer({ origin: podB, privateKey: keysB.privateKey });
    assert.throws(() => sealerB.seal(unsigned()), EnvelopeSealerError);
  });

  test('an unknown key, a failing resolver or a wrong key type is a typed result', async () => {
    const event = sealerA.seal(unsigned());
    assert.deepEqual(await verifyEnvelope(event, () => null), {
      verified: false,
      reason: { type: 'keyNotFound', verificationMethod: `${podA}#ed25519-key` },
    });
    assert.deepEqual(await verifyEnvelope(event, async () => undefined), {
      verified: false,
      reason: { type: 'keyNotFound', verificationMethod: `${podA}#ed25519-key` },
    });
    assert.deepEqual(
      await verifyEnvelope(event, () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:9001');
      }),
      { verified: false, reason: { type: 'keyUnavailable', verificationMethod: `${podA}#ed25519-key`, detail: 'connect ECONNREFUSED 127.0.0.1:9001' } },
    );
    assert.equal(failureType(await verifyEnvelope(event, () => Promise.reject('timeout'))), 'keyUnavailable');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    assert.equal(failureType(await verifyEnvelope(event, () => rsa)), 'keyMismatch');
    assert.equal(failureType(await verifyEnvelope(event, () => 'pem text' as unknown as KeyObject)), 'keyMismatch');
  });

  test('malformed input never throws', async () => {
    const event = sealerA.seal(unsigned());
    const strip = (key: string) => Object.fromEntries(Object.entries(event).filter(([k]) => k !== key));
    const inputs: Array<[unknown, string]> = [
      [null, 'malformedEnvelope'],
      [undefined, 'malformedEnvelope'],
      ['{"id":1}', 'malformedEnvelope'],
      [[event], 'malformedEnvelope'],
      [{}, 'malformedEnvelope'],
      [strip('proof'), 'malformedEnvelope'],
      [strip('data'), 'malformedEnvelope'],
      [strip('prevHash'), 'malformedEnvelope'],
      [{ ...event, origin: 'not a url' }, 'malformedEnvelope'],
      [{ ...event, origin: 42 }, 'malformedEnvelope'],
      [{ ...event, originSeq: 0 }, 'malformedEnvelope'],
      [{ ...event, originSeq: '42' }, 'malformedEnvelope'],
      [{ ...event, originSeq: 1.5 }, 'malformedEnvelope'],
      [{ ...event, prevHash: 'A'.repeat(64) }, 'malformedEnvelope'],
      [{ ...event, proof: [] }, 'malformedEnvelope'],
      [{ ...event, proof: { ...event.proof, verificationMethod: 7 } }, 'malformedEnvelope'],
      [{ ...event, proof: { ...event.proof, cryptosuite: 'eddsa-rdfc-2022' } }, 'unsupportedCryptosuite'],
      [{ ...event, proof: { ...event.proof, proofValue: 'not multibase' } }, 'malformedProof'],
      [{ ...event, proof: { ...event.proof, proofValue: 'z0OIl' } }, 'malformedProof'],
      [{ ...event, proof: { ...event.proof, proofValue: undefined } }, 'malformedProof'],
      [{ ...event, data: { n: 1n } }, 'malformedProof'],
    ];
    for (const [input, type] of inputs) {
      const result = await verifyEnvelope(input, resolveKey);
      assert.equal(failureType(result), type, String(JSON.stringify(input, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))));
    }
  });
});

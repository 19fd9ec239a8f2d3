import { describe, expect, it } from 'vitest';
import { canonicalize, decodeBase58btc } from '../../../../libs/event-envelope/src/browser.js';
import { decodeEd25519Multikey, ed25519Supported, hashEvent, importEd25519, verifyProof } from './verify-event';
import { golden, goldenKeys } from '@/test/golden-events';

const hostOf = (actor: string) => new URL(actor).host;

describe("JCS (RFC 8785), the pods' own in the browser", () => {
  it('sorts keys by UTF-16 code units and writes numbers as ECMAScript does', () => {
    const value = { '\u20ac': 'Euro', '\r': 'CR', '\ufb33': 'Dalet', '1': 'One', '\ud83d\ude00': 'Emoji', '\u0080': 'Control', '\u00f6': 'o' };
    // RFC 8785, 3.2.3: "\r", "1", U+0080, "ö", "€", "😀" (a surrogate pair, 0xD83D), U+FB33.
    expect(canonicalize(value)).toBe('{"\\r":"CR","1":"One","\u0080":"Control","ö":"o","€":"Euro","😀":"Emoji","\ufb33":"Dalet"}');
    expect(canonicalize({ b: [1, 'x', null, undefined], a: { d: true, c: 1e21, e: 0.000001, f: undefined } })).toBe('{"a":{"c":1e+21,"d":true,"e":0.000001},"b":[1,"x",null,null]}');
    expect(() => canonicalize({ n: Number.NaN })).toThrow();
  });
});

describe('base58btc', () => {
  it('decodes multikeys and signatures, keeping leading zero bytes', () => {
    expect(decodeBase58btc('z')).toEqual(new Uint8Array([]));
    expect(decodeBase58btc('z1')).toEqual(new Uint8Array([0]));
    expect(decodeBase58btc('z112')).toEqual(new Uint8Array([0, 0, 1]));
    expect(decodeBase58btc('z5R')).toEqual(new Uint8Array([0x01, 0x00])); // 4 × 58 + 24 = 256
    expect(decodeBase58btc('z0OIl')).toBeNull();
    expect(decodeBase58btc('5R')).toBeNull(); // not multibase: no z
    const key = decodeEd25519Multikey(golden.podJoined().data && (golden.podJoined().data as { keys: { ed25519Multibase: string } }).keys.ed25519Multibase);
    expect(key).toHaveLength(32);
    expect(decodeEd25519Multikey('zQ3s')).toBeNull();
    expect(decodeBase58btc(golden.podJoined().proof.proofValue)).toHaveLength(64);
  });
});

describe('event verification with WebCrypto', () => {
  it('has Ed25519', async () => {
    expect(await ed25519Supported()).toBe(true);
  });

  it("hashes an event as the pods do (the origin's next prevHash)", async () => {
    // sha256(JCS(PodJoined example)) as node:crypto and the canonicalize package compute it.
    expect(await hashEvent(golden.podJoined())).toBe('2d28e984b4df6289e8be40e4378366a087a7cf42c16969a731a414b524854a31');
  });

  it("verifies every golden example with its origin's key, the PodJoined one with the key it declares", async () => {
    const joined = golden.podJoined();
    const declared = decodeEd25519Multikey((joined.data as { keys: { ed25519Multibase: string } }).keys.ed25519Multibase)!;
    expect(await verifyProof(joined, await importEd25519(declared))).toEqual({ ok: true });
    for (const event of [golden.friendshipAccepted(), golden.videoPublished(), golden.videoUpdated(), golden.expulsionVoteCast()]) {
      const { raw } = await goldenKeys(hostOf(event.origin));
      expect(await verifyProof(event, await importEd25519(raw)), event.type).toEqual({ ok: true });
    }
    const { raw } = await goldenKeys('localhost:9003');
    expect([...raw]).toEqual([...declared]);
  });

  it('refuses an altered event, a wrong key and a foreign verification method', async () => {
    const event = golden.videoPublished();
    const key = await importEd25519((await goldenKeys('localhost:9001')).raw);
    (event.data as { name: string }).name = 'Something else';
    expect(await verifyProof(event, key)).toEqual({ ok: false, reason: 'the signature does not match' });
    const other = await importEd25519((await goldenKeys('localhost:9002')).raw);
    expect(await verifyProof(golden.videoPublished(), other)).toEqual({ ok: false, reason: 'the signature does not match' });
    const moved = golden.videoPublished();
    moved.proof.verificationMethod = 'http://evil.example/federation/actor#ed25519-key';
    expect((await verifyProof(moved, key)).ok).toBe(false);
    const truncated = golden.videoPublished();
    truncated.proof.proofValue = truncated.proof.proofValue.slice(0, 40);
    expect(await verifyProof(truncated, key)).toEqual({ ok: false, reason: 'the signature is not 64 bytes' });
  });
});

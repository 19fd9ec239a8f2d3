import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SuperSeeding, type Reveals } from './super-seeding.js';

const KIB = 1024;
const none = { get: () => false };
const all = { get: () => true };
const upTo = (end: number) => ({ get: (index: number) => index < end });
const revealedTo = <P>(reveals: Reveals<P>, peer: P) => reveals.find((reveal) => reveal.peer === peer)?.pieces ?? [];

/** 100 pieces of 16 KiB; a peer may hold 4 pieces nobody else has; 2 pieces of rescue. */
const policy = () => new SuperSeeding<string>({ pieceCount: 100, pieceLength: 16 * KIB, outstandingBytes: 64 * KIB, rescueBytes: 32 * KIB, starveMs: 1000, spreadTimeoutMs: 4000 });

describe('SuperSeeding', () => {
  it('gives everything at once to a peer that is alone: nobody else could serve it', () => {
    const seeding = policy();
    assert.equal(seeding.join('a', 0), 'all');
    seeding.bitfield('a', none, 0);
    assert.deepEqual(seeding.tick(10), [], 'nothing more to reveal');
    assert.equal(seeding.counters.alone, 100);
  });

  it('reveals to a newcomer nothing that a connected peer already has', () => {
    const seeding = policy();
    seeding.join('a', 0);
    seeding.bitfield('a', all, 0);
    assert.deepEqual(seeding.join('b', 100), []);
    seeding.bitfield('b', none, 100);
    assert.deepEqual(seeding.tick(200), [], 'the complete viewer serves the newcomer');
    assert.deepEqual(seeding.tick(900), []);
  });

  /** a (complete) served b and c, then left: b holds pieces 0-9, c nothing; neither had everything revealed. */
  function afterASeed(options: { starveMs?: number } = {}) {
    const seeding = new SuperSeeding<string>({ pieceCount: 100, pieceLength: 16 * KIB, outstandingBytes: 64 * KIB, rescueBytes: 32 * KIB, starveMs: options.starveMs ?? 1000, spreadTimeoutMs: 4000 });
    seeding.join('a', 0);
    seeding.bitfield('a', all, 0);
    seeding.join('b', 0);
    seeding.bitfield('b', upTo(10), 0);
    seeding.join('c', 0);
    seeding.bitfield('c', none, 0);
    seeding.leave('a');
    return seeding;
  }

  it('hands pieces the swarm lacks to one peer each, lowest first, a few at a time', () => {
    const seeding = afterASeed();
    const first = seeding.tick(10);
    assert.deepEqual(revealedTo(first, 'b'), [10, 11, 12, 13], 'the 4 lowest pieces nobody has');
    assert.deepEqual(revealedTo(first, 'c'), [14, 15, 16, 17], 'not those b has or was handed');
    seeding.join('d', 20);
    seeding.bitfield('d', none, 20);
    assert.deepEqual(revealedTo(seeding.tick(30), 'd'), [18, 19, 20, 21]);
    assert.deepEqual(revealedTo(seeding.tick(40), 'b'), [], 'b holds 4 pieces nobody else has yet');
    assert.equal(seeding.counters.superSeeded, 12);
  });

  it("hands nothing more to a newcomer while a peer with everything revealed still lacks it: a capped seeder would send it twice", () => {
    const seeding = policy();
    assert.equal(seeding.join('a', 0), 'all');
    seeding.bitfield('a', upTo(10), 0);
    seeding.join('b', 100);
    seeding.bitfield('b', none, 100);
    assert.deepEqual(seeding.tick(200), [], 'b takes 0-9 from a, the rest comes through a');
    for (let index = 10; index < 100; index++) seeding.have('a', index, 300);
    seeding.have('b', 0, 300);
    assert.deepEqual(seeding.tick(400), [], 'a is complete: the swarm lacks nothing');
  });

  it("hands out the next piece once another peer has one of the holder's (it was shared)", () => {
    const seeding = afterASeed();
    seeding.tick(10);
    seeding.have('b', 10, 50);
    assert.deepEqual(seeding.tick(60), [], 'b has it, nobody else does yet');
    seeding.have('c', 10, 70);
    assert.deepEqual(revealedTo(seeding.tick(80), 'b'), [18], 'c got piece 10 from b: one more for b');
  });

  it('gives a handed-out piece to another peer once its holder sat on it too long', () => {
    const seeding = afterASeed({ starveMs: 60_000 });
    const first = seeding.tick(10);
    assert.deepEqual(revealedTo(first, 'b'), [10, 11, 12, 13]);
    assert.deepEqual(revealedTo(first, 'c'), [14, 15, 16, 17]);
    assert.deepEqual(seeding.tick(4000), []);
    const later = seeding.tick(4010);
    assert.deepEqual(revealedTo(later, 'c'), [10, 11, 12, 13], "b's stale pieces go to c");
    assert.deepEqual(revealedTo(later, 'b'), [14, 15, 16, 17], "and c's to b");
  });

  it('rescues a starving peer with the next pieces it lacks, even those others have', () => {
    const seeding = policy();
    seeding.join('a', 0);
    seeding.bitfield('a', all, 0);
    seeding.join('b', 0);
    seeding.bitfield('b', upTo(3), 0);
    assert.deepEqual(seeding.tick(500), []);
    assert.deepEqual(revealedTo(seeding.tick(1000), 'b'), [3, 4], 'no piece for 1 s: the next two it lacks');
    assert.deepEqual(seeding.tick(1500), [], 'then another second of patience');
    seeding.have('b', 3, 1600);
    assert.deepEqual(seeding.tick(2500), [], 'it gained a piece at 1.6 s');
    assert.deepEqual(revealedTo(seeding.tick(2600), 'b'), [5, 6]);
    assert.equal(seeding.counters.rescued, 4);
  });

  it('a peer left alone gets the rest at once; a peer that leaves gives its pieces back', () => {
    const seeding = policy();
    seeding.join('a', 0);
    seeding.bitfield('a', upTo(10), 0);
    seeding.join('b', 0);
    seeding.bitfield('b', none, 0);
    assert.deepEqual(seeding.tick(10), []);
    seeding.leave('a');
    const alone = revealedTo(seeding.tick(20), 'b');
    assert.equal(alone.length, 100, 'every piece');
    assert.equal(alone[0], 0);

    const other = afterASeed();
    other.join('d', 0);
    other.bitfield('d', none, 0);
    const first = other.tick(10);
    assert.deepEqual(revealedTo(first, 'b'), [10, 11, 12, 13]);
    assert.deepEqual(revealedTo(first, 'c'), [14, 15, 16, 17]);
    other.leave('b');
    assert.deepEqual(revealedTo(other.tick(20), 'c'), [], 'c still holds 4');
    other.have('d', 14, 30);
    assert.deepEqual(revealedTo(other.tick(40), 'c'), [0], 'what b had (0-9) and was handed (10-13) is lacking again: the lowest first');
  });

  it('ignores have messages out of range and peers it does not know', () => {
    const seeding = policy();
    seeding.join('a', 0);
    seeding.have('a', 100, 1);
    seeding.have('a', -1, 1);
    seeding.have('a', 1.5, 1);
    seeding.have('zz', 1, 1);
    seeding.leave('zz');
    assert.equal(seeding.size, 1);
    assert.throws(() => new SuperSeeding({ pieceCount: 0, pieceLength: 1 }), RangeError);
  });
});

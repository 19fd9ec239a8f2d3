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

  it('hands pieces the swarm lacks to one peer each, lowest first, a few at a time', () => {
    const seeding = policy();
    seeding.join('a', 0);
    seeding.bitfield('a', upTo(10), 0);
    seeding.join('b', 0);
    seeding.bitfield('b', none, 0);
    const first = seeding.tick(10);
    // a was alone when it joined: it has every piece revealed already.
    assert.deepEqual(revealedTo(first, 'a'), []);
    assert.deepEqual(revealedTo(first, 'b'), [10, 11, 12, 13], 'the 4 lowest pieces nobody has');
    const c = 'c';
    seeding.join(c, 20);
    seeding.bitfield(c, none, 20);
    assert.deepEqual(revealedTo(seeding.tick(30), c), [14, 15, 16, 17], 'not the pieces handed to b');
    assert.deepEqual(revealedTo(seeding.tick(40), 'b'), [], 'b holds 4 pieces nobody else has yet');
  });

  it('hands out the next piece once another peer has one of the holder\'s (it was shared)', () => {
    const seeding = policy();
    seeding.join('a', 0);
    seeding.bitfield('a', upTo(10), 0);
    seeding.join('b', 0);
    seeding.bitfield('b', none, 0);
    seeding.tick(10);
    seeding.have('b', 10, 50);
    assert.deepEqual(seeding.tick(60), [], 'b has it, nobody else does yet');
    seeding.have('a', 10, 70);
    assert.deepEqual(revealedTo(seeding.tick(80), 'b'), [14], 'a got piece 10 from b: one more for b');
  });

  it('gives a handed-out piece to another peer once its holder sat on it too long', () => {
    const seeding = policy();
    seeding.join('a', 0);
    seeding.bitfield('a', upTo(10), 0);
    seeding.join('b', 0);
    seeding.bitfield('b', none, 0);
    assert.deepEqual(revealedTo(seeding.tick(10), 'b'), [10, 11, 12, 13]);
    seeding.join('c', 100);
    seeding.bitfield('c', none, 100);
    seeding.have('c', 0, 200);
    seeding.have('b', 0, 200);
    assert.deepEqual(revealedTo(seeding.tick(300), 'c'), [14, 15, 16, 17]);
    // b and c keep gaining pieces from a (no starvation), but hold their pieces to themselves.
    for (let t = 400; t < 4000; t += 400) {
      seeding.have('b', t / 400, t);
      seeding.have('c', t / 400, t);
    }
    const later = seeding.tick(4300);
    assert.deepEqual(revealedTo(later, 'c').slice(0, 4), [10, 11, 12, 13], "b's stale pieces go to c");
    assert.deepEqual(revealedTo(later, 'b').slice(0, 4), [14, 15, 16, 17], "and c's to b");
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
    assert.deepEqual(revealedTo(seeding.tick(10), 'b'), [10, 11, 12, 13]);
    seeding.leave('a');
    const alone = revealedTo(seeding.tick(20), 'b');
    assert.equal(alone.length, 96, 'every piece not revealed yet');
    assert.equal(alone[0], 0);

    const other = policy();
    other.join('a', 0);
    other.bitfield('a', upTo(10), 0);
    other.join('b', 0);
    other.bitfield('b', none, 0);
    other.join('c', 0);
    other.bitfield('c', none, 0);
    const first = other.tick(10);
    assert.deepEqual(revealedTo(first, 'b'), [10, 11, 12, 13]);
    assert.deepEqual(revealedTo(first, 'c'), [14, 15, 16, 17]);
    other.leave('b');
    assert.deepEqual(revealedTo(other.tick(20), 'c'), [], 'c still holds 4');
    other.have('a', 14, 30);
    assert.deepEqual(revealedTo(other.tick(40), 'c'), [10], "b's pieces are free again");
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

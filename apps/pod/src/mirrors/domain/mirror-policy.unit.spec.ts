import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decideMirror, decideMirrors, decideUnmirror, type HeldMirror, type MirrorCandidate, type MirrorFacts, type MirrorPolicy } from './mirror-policy.js';

const ME = 'http://localhost:9002/federation/actor';
const FRIEND = 'http://localhost:9003/federation/actor';
const LEFT = 'http://localhost:9004/federation/actor';
const EXPELLED = 'http://localhost:9005/federation/actor';
const MB = 1024 * 1024;

function video(uuid: string, overrides: Partial<MirrorCandidate> = {}): MirrorCandidate {
  return { uuid, origin: FRIEND, size: 10 * MB, publishedAt: '2026-12-01T00:00:00.000Z', views: 0, available: true, originStatus: 'active', ...overrides };
}

const ON: MirrorPolicy = { enabled: true, budgetBytes: 25 * MB, order: 'newest', friendsOnly: true };

function given(facts: Partial<MirrorFacts>) {
  const whole: MirrorFacts = { me: ME, policy: ON, videos: [], held: [], refused: new Set(), ...facts };
  return { then: () => decideMirrors(whole) };
}

describe('the mirror policy', () => {
  test('given three friends\' videos of 10 MB and a 25 MB budget, newest first: the two newest are fetched', () => {
    const plan = given({
      videos: [video('a', { publishedAt: '2026-12-01T00:00:00.000Z' }), video('b', { publishedAt: '2026-12-03T00:00:00.000Z' }), video('c', { publishedAt: '2026-12-02T00:00:00.000Z' })],
    }).then();
    assert.deepEqual(plan.fetch, [{ uuid: 'b', choice: 'policy' }, { uuid: 'c', choice: 'policy' }]);
    assert.deepEqual(plan.drop, []);
  });

  test('most watched first: views decide, then the newest', () => {
    const plan = given({
      policy: { ...ON, order: 'most-watched' },
      videos: [video('a', { views: 7 }), video('b', { views: 1, publishedAt: '2026-12-09T00:00:00.000Z' }), video('c', { views: 3 })],
    }).then();
    assert.deepEqual(plan.fetch.map((f) => f.uuid), ['a', 'c']);
  });

  test('a video too big for what is left is skipped, and a smaller one after it still fits', () => {
    const plan = given({
      videos: [video('big', { size: 20 * MB, publishedAt: '2026-12-03T00:00:00.000Z' }), video('mid', { size: 10 * MB, publishedAt: '2026-12-02T00:00:00.000Z' }), video('small', { size: 5 * MB })],
    }).then();
    assert.deepEqual(plan.fetch.map((f) => f.uuid), ['big', 'small']);
  });

  test('never its own videos, never an expelled pod\'s, never a refused one; friendsOnly leaves out pods that left', () => {
    const plan = given({
      videos: [video('mine', { origin: ME }), video('expelled', { origin: EXPELLED, available: false, originStatus: 'expelled' }), video('refused'), video('left', { origin: LEFT, originStatus: 'left' }), video('ok')],
      refused: new Set(['refused']),
    }).then();
    assert.deepEqual(plan.fetch.map((f) => f.uuid), ['ok']);
    const open = given({ policy: { ...ON, friendsOnly: false }, videos: [video('left', { origin: LEFT, originStatus: 'left' })] }).then();
    assert.deepEqual(open.fetch.map((f) => f.uuid), ['left']);
  });

  test('an admin\'s choices count first against the budget and are kept beyond it', () => {
    const held: HeldMirror[] = [{ uuid: 'pinned', choice: 'admin', state: 'mirrored' }];
    const plan = given({ videos: [video('pinned', { size: 30 * MB }), video('other')], held }).then();
    assert.deepEqual(plan, { fetch: [], drop: [] });
  });

  test('when the origin deletes a mirrored video, or is expelled, the copy is dropped with that reason, admin\'s choice or not', () => {
    const held: HeldMirror[] = [
      { uuid: 'gone', choice: 'admin', state: 'mirrored' },
      { uuid: 'expelled', choice: 'admin', state: 'fetching' },
    ];
    const plan = given({ videos: [video('expelled', { available: false, originStatus: 'expelled' })], held }).then();
    assert.deepEqual(plan.drop, [
      { uuid: 'gone', state: 'mirrored', reason: 'deleted' },
      { uuid: 'expelled', state: 'fetching', reason: 'expelled' },
    ]);
  });

  test('a copy the policy no longer wants (out of the budget, the policy off) is dropped; an admin\'s is not', () => {
    const held: HeldMirror[] = [
      { uuid: 'old', choice: 'policy', state: 'mirrored' },
      { uuid: 'pinned', choice: 'admin', state: 'mirrored' },
    ];
    const videos = [video('old', { publishedAt: '2026-11-01T00:00:00.000Z' }), video('new1', { publishedAt: '2026-12-05T00:00:00.000Z' }), video('pinned')];
    const plan = given({ videos, held, policy: { ...ON, budgetBytes: 20 * MB } }).then();
    assert.deepEqual(plan.drop, [{ uuid: 'old', state: 'mirrored', reason: 'policy' }]);
    assert.deepEqual(plan.fetch.map((f) => f.uuid), ['new1']);
    const off = given({ videos, held, policy: { ...ON, enabled: false } }).then();
    assert.deepEqual(off, { fetch: [], drop: [{ uuid: 'old', state: 'mirrored', reason: 'policy' }] });
  });
});

describe('an admin\'s mirror choice', () => {
  test('mirror: unknown video, own video, expelled origin, already chosen are refused with their codes', () => {
    assert.equal(codeOf(decideMirror(null, null, ME)), 'not-found');
    assert.equal(codeOf(decideMirror(video('x', { origin: ME }), null, ME)), 'own-video');
    assert.equal(codeOf(decideMirror(video('x', { available: false, originStatus: 'expelled' }), null, ME)), 'origin-expelled');
    assert.equal(codeOf(decideMirror(video('x'), { uuid: 'x', choice: 'admin', state: 'fetching' }, ME)), 'already-mirrored');
  });

  test('mirror: a friend\'s video is fetched; one the policy holds becomes the admin\'s', () => {
    assert.deepEqual(decideMirror(video('x'), null, ME), { ok: true, action: 'fetch' });
    assert.deepEqual(decideMirror(video('x'), { uuid: 'x', choice: 'policy', state: 'mirrored' }, ME), { ok: true, action: 'pin' });
  });

  test('unmirror: what is not held is refused; what is held is dropped as the admin\'s', () => {
    assert.equal(codeOf(decideUnmirror(video('x'), null)), 'not-mirrored');
    assert.equal(codeOf(decideUnmirror(null, null)), 'not-found');
    assert.deepEqual(decideUnmirror(video('x'), { uuid: 'x', choice: 'policy', state: 'fetching' }), { ok: true, action: 'drop', reason: 'admin' });
  });
});

function codeOf(decision: ReturnType<typeof decideMirror>): string | null {
  return decision.ok ? null : decision.code;
}

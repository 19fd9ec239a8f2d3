import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decideDelete, decideUpdate, fold, type VideoEventLike } from './video.js';
import { parseVideoFields } from './video-fields.js';

const ME = 'http://pod-3.test/federation/actor';
const OTHER = 'http://pod-1.test/federation/actor';
const UUID = '0b5d8a4e-6a2f-4c61-9d0e-3f1c2b7a8e90';

function published(origin = ME, owner = 'camille'): VideoEventLike {
  const media = { duration: 10, size: 1000, mimeType: 'video/mp4', infoHash: 'ab'.repeat(20), magnetUri: `magnet:?xt=urn:btih:${'ab'.repeat(20)}` };
  const urls = { torrentUrl: `${origin}/t.torrent`, webSeedUrls: [], thumbnailUrl: `${origin}/t.jpg` };
  return {
    type: 'VideoPublished',
    schemaVersion: 1,
    origin,
    data: { uuid: UUID, name: 'Big Buck Bunny', description: 'a rabbit', tags: ['animation'], ...media, ...urls, publishedAt: '2026-12-07T10:00:00Z', account: { username: owner } },
  };
}

describe('a video: given its history, when someone changes it', () => {
  const camille = { username: 'camille', role: 'user' as const };
  const root = { username: 'root', role: 'admin' as const };
  const dominique = { username: 'dominique', role: 'user' as const };

  test('its owner renames it: one VideoUpdated with only the new name', () => {
    const decision = decideUpdate(fold([published()]), UUID, { name: 'Bunny', tags: ['animation'] }, camille, ME);
    assert.deepEqual(decision, { ok: true, drafts: [{ type: 'VideoUpdated', schemaVersion: 1, data: { uuid: UUID, name: 'Bunny' } }] });
  });

  test('an edit that changes nothing appends nothing', () => {
    assert.deepEqual(decideUpdate(fold([published()]), UUID, { name: 'Big Buck Bunny' }, camille, ME), { ok: true, drafts: [] });
  });

  test('an admin may edit and delete any local video; another user may not', () => {
    assert.equal(decideUpdate(fold([published()]), UUID, { name: 'Renamed' }, root, ME).ok, true);
    assert.equal(decideDelete(fold([published()]), UUID, root, ME).ok, true);
    const refused = decideDelete(fold([published()]), UUID, dominique, ME);
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.code, 'forbidden');
  });

  test('a video of another pod cannot be changed here, not even by an admin', () => {
    const decision = decideDelete(fold([published(OTHER)]), UUID, root, ME);
    assert.equal(!decision.ok && decision.code, 'not-origin');
  });

  test('a deleted or unknown video is not found', () => {
    const deleted = fold([published(), { type: 'VideoDeleted', schemaVersion: 1, origin: ME, data: { uuid: UUID } }]);
    assert.equal(deleted.status, 'deleted');
    assert.equal(!decideUpdate(deleted, UUID, { name: 'Again' }, camille, ME).ok && 'refused', 'refused');
    const unknown = decideDelete(fold([]), UUID, camille, ME);
    assert.equal(!unknown.ok && unknown.code, 'not-found');
  });

  test('events of another origin about the same uuid change nothing', () => {
    const state = fold([published(), { type: 'VideoUpdated', schemaVersion: 1, origin: OTHER, data: { uuid: UUID, name: 'Hijacked' } }, { type: 'VideoDeleted', schemaVersion: 1, origin: OTHER, data: { uuid: UUID } }]);
    assert.equal(state.status, 'published');
    assert.equal(state.status === 'published' && state.name, 'Big Buck Bunny');
  });

  test('updates fold in order: the last value of each field wins', () => {
    const state = fold([
      published(),
      { type: 'VideoUpdated', schemaVersion: 1, origin: ME, data: { uuid: UUID, name: 'Second' } },
      { type: 'VideoUpdated', schemaVersion: 1, origin: ME, data: { uuid: UUID, tags: ['a1', 'b2'] } },
    ]);
    assert.deepEqual(state.status === 'published' && [state.name, state.tags, state.description], ['Second', ['a1', 'b2'], 'a rabbit']);
  });
});

describe('video fields as users type them', () => {
  test('an upload needs a name; description and tags default to empty', () => {
    assert.deepEqual(parseVideoFields({ name: '  My holiday  ' }, { partial: false }), { ok: true, value: { name: 'My holiday', description: '', tags: [] } });
    assert.deepEqual(parseVideoFields({}, { partial: false }), { ok: false, problems: ['name: required'] });
  });

  test('duplicate tags are dropped, and each is trimmed', () => {
    const result = parseVideoFields({ name: 'Tags', tags: [' cats ', 'cats', 'dogs'] }, { partial: false });
    assert.deepEqual(result.ok && result.value.tags, ['cats', 'dogs']);
  });

  const hostile: Array<[string, Record<string, unknown>, RegExp]> = [
    ['a name too long', { name: 'x'.repeat(121) }, /name: must be 3 to 120 characters \(got 121\)/],
    ['a name too short', { name: 'ab' }, /name: must be 3 to 120/],
    ['a name on two lines', { name: 'one\ntwo' }, /name: must be one line/],
    ['a name that is a number', { name: 12345 }, /name: must be a string/],
    ['a name that is an object', { name: { $ne: null } }, /name: must be a string/],
    ['tags as a string', { name: 'Tags', tags: 'cats,dogs' }, /tags: must be a list/],
    ['a tag that is a number', { name: 'Tags', tags: [42] }, /tags\[0\]: must be a string/],
    ['a tag too long', { name: 'Tags', tags: ['x'.repeat(31)] }, /tags\[0\]: must be 2 to 30/],
    ['a tag of one character', { name: 'Tags', tags: ['x'] }, /tags\[0\]: must be 2 to 30/],
    ['six tags', { name: 'Tags', tags: ['t1', 't2', 't3', 't4', 't5', 't6'] }, /tags: at most 5/],
    ['a description over 10,000 characters', { name: 'Desc', description: 'd'.repeat(10_001) }, /description: at most 10000/],
    ['a description with a NUL', { name: 'Desc', description: 'a\u0000b' }, /description: control characters/],
    ['an unknown field', { name: 'Desc', title: 'oops' }, /title: unknown field/],
  ];
  for (const [what, raw, message] of hostile) {
    test(`refused: ${what}`, () => {
      const result = parseVideoFields(raw, { partial: false });
      assert.equal(result.ok, false);
      assert.match(!result.ok ? result.problems.join('; ') : '', message);
    });
  }

  test('an edit may send any subset, but not nothing', () => {
    assert.deepEqual(parseVideoFields({ tags: [] }, { partial: true }), { ok: true, value: { tags: [] } });
    assert.deepEqual(parseVideoFields({}, { partial: true }), { ok: false, problems: ['nothing to change: send name, description or tags'] });
  });
});

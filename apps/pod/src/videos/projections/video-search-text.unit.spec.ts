import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_WORD_LENGTH, nameSortKey, searchText, searchWords } from './video-search-text.js';

describe('search words', () => {
  test('case, accents and compatibility forms fold away; punctuation separates words', () => {
    assert.deepEqual(searchWords('Café-Crème, 4K!'), ['cafe', 'creme', '4k']);
    assert.deepEqual(searchWords('ÉCLAIR  au  chocolat'), ['eclair', 'au', 'chocolat']);
    assert.deepEqual(searchWords('ﬁlm ４K Ｔｅｓｔ'), ['film', '4k', 'test']);
    assert.deepEqual(searchWords('İstanbul Ωmega Ёлка'), ['istanbul', 'ωmega', 'елка']);
  });

  test('marks that are part of a word stay in it, and scripts without spaces are one word', () => {
    assert.deepEqual(searchWords('हिंदी गाना'), ['हिंदी', 'गाना']);
    assert.deepEqual(searchWords('日本語の動画'), ['日本語の動画']);
  });

  test('query syntax is not a word', () => {
    assert.deepEqual(searchWords(`"bunny" OR -cafe* NEAR(a b) name:x 'y' \\z`), ['bunny', 'or', 'cafe', 'near', 'a', 'b', 'name', 'x', 'y', 'z']);
    assert.deepEqual(searchWords('*:-"\'()\\'), []);
    assert.deepEqual(searchWords('🎬🍿 \u0000 \ud800'), []);
  });

  test('a very long word is cut, by code points', () => {
    const [word] = searchWords('𠀀'.repeat(100));
    assert.equal(word, '𠀀'.repeat(MAX_WORD_LENGTH));
  });

  test('a field is stored as its words; a name sorts by its folded words', () => {
    assert.equal(searchText('  Big   Buck—Bunny '), 'big buck bunny');
    assert.equal(nameSortKey('Éclair recipe'), 'eclair recipe');
    assert.equal(nameSortKey('🎬🎬🎬'), '🎬🎬🎬');
  });
});

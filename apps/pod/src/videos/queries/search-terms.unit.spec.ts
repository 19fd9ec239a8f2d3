import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fts5Match, MAX_SEARCH_WORDS, searchTerms, tsqueryText } from './search-terms.js';

describe('search terms', () => {
  test('blank or absent: no terms, so no filter', () => {
    assert.deepEqual(searchTerms(undefined), []);
    assert.deepEqual(searchTerms(' \t\n'), []);
    assert.deepEqual(searchTerms('"*:-\'\\()'), []);
  });

  test('each distinct word once, in the order typed, folded as the index folds', () => {
    assert.deepEqual(searchTerms('Bunn big BUNN Café'), ['bunn', 'big', 'cafe']);
  });

  test('a pasted essay is cut to its first words', () => {
    const words = Array.from({ length: 2000 }, (_, i) => `w${i}`);
    assert.deepEqual(searchTerms(words.join(' ')), words.slice(0, MAX_SEARCH_WORDS));
  });

  test('operators are words, quoted as strings for both engines', () => {
    const terms = searchTerms(`bunny OR "cafe" NEAR( -x* name:y 'z' \\`);
    assert.deepEqual(terms, ['bunny', 'or', 'cafe', 'near', 'x', 'name', 'y', 'z']);
    assert.equal(fts5Match(terms), '"bunny"* "or"* "cafe"* "near"* "x"* "name"* "y"* "z"*');
    assert.equal(tsqueryText(terms), "'bunny':* & 'or':* & 'cafe':* & 'near':* & 'x':* & 'name':* & 'y':* & 'z':*");
  });

  test('quote characters are escaped even though folding never lets one through', () => {
    assert.equal(fts5Match(['a"b']), '"a""b"*');
    assert.equal(tsqueryText(["a'b\\c"]), "'a''b\\\\c':*");
  });
});

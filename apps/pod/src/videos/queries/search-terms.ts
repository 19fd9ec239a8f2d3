import { searchWords } from '../projections/video-search-text.js';

/**
 * A user's search as full-text queries. The words are folded exactly as the index folded the
 * videos' words, so they hold only letters, digits and marks: quotes, `*`, `:`, `-`, `(`, `'`
 * and `\` never reach a query parser as syntax, and `OR` or `NEAR` are words like any other.
 */

/** More words only narrow the results further; a cap keeps a pasted essay from costing a query per word. */
export const MAX_SEARCH_WORDS = 16;

/** The distinct words of a search, in order, each to be matched as a prefix; empty: no filter. */
export function searchTerms(search: string | undefined): string[] {
  if (search === undefined) return [];
  return [...new Set(searchWords(search))].slice(0, MAX_SEARCH_WORDS);
}

/** FTS5: each word a quoted string with a prefix star; juxtaposed phrases must all match. */
export function fts5Match(terms: readonly string[]): string {
  return terms.map((term) => `"${term.replaceAll('"', '""')}"*`).join(' ');
}

/** PostgreSQL to_tsquery: each word a quoted lexeme with the prefix flag, all of them ANDed. */
export function tsqueryText(terms: readonly string[]): string {
  return terms.map((term) => `'${term.replaceAll('\\', '\\\\').replaceAll("'", "''")}':*`).join(' & ');
}

/**
 * The words search works on, cut and folded in JavaScript rather than by each database: the
 * SQLite and PostgreSQL pods then index the same words (so their read models digest alike and
 * answer alike), and accents fold on PostgreSQL too, where `unaccent` would need an extension.
 */

/** Longer words are cut: PostgreSQL does not index a lexeme over 2 KB (it drops it with a notice). */
export const MAX_WORD_LENGTH = 64;

// Accents of Latin, Greek and Cyrillic letters once decomposed; other combining marks (the
// vowel signs of Indic scripts, for instance) are part of their words and stay.
const DIACRITICS = /[\u0300-\u036f]/g;
const WORD = /[\p{L}\p{N}\p{M}]+/gu;
// Most text is ASCII, which has nothing to decompose: the short way is a third of the cost of a rebuild's folding.
const ASCII = /^[\u0000-\u007f]*$/;
const ASCII_WORD = /[a-z0-9]+/g;

/** `"Café-Crème, 4K!"` → `['cafe', 'creme', '4k']`: lower case, accents off, compatibility forms unified (ﬁ → fi, ４ → 4). */
export function searchWords(text: string): string[] {
  if (ASCII.test(text)) return (text.toLowerCase().match(ASCII_WORD) ?? []).map(cut);
  const folded = text.toLowerCase().normalize('NFKD').replace(DIACRITICS, '').normalize('NFC');
  return (folded.match(WORD) ?? []).map(cut);
}

/** A field as the search index stores it: its words, space-separated. */
export function searchText(text: string): string {
  return searchWords(text).join(' ');
}

/**
 * The key `sort=name` orders by: the folded name (its searchText, if already at hand), so case
 * and accents do not scatter names.
 */
export function nameSortKey(name: string, folded = searchText(name)): string {
  // A name without letters or digits (emoji only) still needs a stable place.
  return folded || name.toLowerCase();
}

function cut(word: string): string {
  if (word.length <= MAX_WORD_LENGTH) return word;
  // By code points, so a cut never splits a surrogate pair.
  return Array.from(word).slice(0, MAX_WORD_LENGTH).join('');
}

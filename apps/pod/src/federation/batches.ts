/**
 * Cutting a run of encoded items (activities pushed to an inbox, events of a pull page) into
 * what one request may carry: by bytes, in order, never reordering or skipping. Pure.
 */

/**
 * How many of `sizes` (bytes of each item, in order) fit in `limit` bytes once framed: `frame`
 * bytes around them and a one-byte separator between two neighbours (a JSON array's comma).
 * At least one whenever there is one: a single item always travels, alone if need be (the
 * protocol bounds an item's size so that it fits; federation-limits.ts).
 */
export function fittingCount(sizes: readonly number[], limit: number, frame: number): number {
  let total = frame;
  for (let i = 0; i < sizes.length; i++) {
    total += sizes[i] + (i > 0 ? 1 : 0);
    if (total > limit) return Math.max(1, i);
  }
  return sizes.length;
}

/** The bytes of `text` once encoded as UTF-8 (what a request's body weighs). */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

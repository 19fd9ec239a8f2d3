import { nameProblem, trackerProblem, urlListProblem, webSeedProblem } from './fields.js';

export interface MagnetInput {
  /** 40 hex digits (either case; written lowercase). */
  readonly infoHash: string;
  readonly name: string;
  readonly announce: readonly string[];
  readonly webSeeds: readonly string[];
  /** The file's byte count, written as `xl`. */
  readonly length?: number;
}

/**
 * `magnet:?xt=urn:btih:<hex>&dn=<name>[&xl=<bytes>]&tr=<tracker>…&ws=<web seed>…` (BEP 9,
 * plus WebTorrent's `ws`), parameters in that order. Every value goes through
 * encodeURIComponent, so `&`, `=`, `+`, `#` and spaces in names and URLs survive; a space
 * is `%20`, never `+` (which some decoders read back as a space, others as a plus).
 */
export function magnetUri(input: MagnetInput): string {
  if (!/^[0-9a-fA-F]{40}$/.test(input.infoHash)) throw new RangeError(`magnetUri: infoHash must be 40 hex digits, got ${JSON.stringify(input.infoHash)}`);
  const problem =
    nameProblem(input.name) ?? urlListProblem(input.announce, trackerProblem) ?? urlListProblem(input.webSeeds, webSeedProblem);
  if (problem) throw new RangeError(`magnetUri: ${problem}`);
  if (input.length !== undefined && (!Number.isSafeInteger(input.length) || input.length <= 0)) {
    throw new RangeError(`magnetUri: length must be a positive integer, got ${input.length}`);
  }
  const parts = [`xt=urn:btih:${input.infoHash.toLowerCase()}`, `dn=${encodeURIComponent(input.name)}`];
  if (input.length !== undefined) parts.push(`xl=${input.length}`);
  for (const url of input.announce) parts.push(`tr=${encodeURIComponent(url)}`);
  for (const url of input.webSeeds) parts.push(`ws=${encodeURIComponent(url)}`);
  return `magnet:?${parts.join('&')}`;
}

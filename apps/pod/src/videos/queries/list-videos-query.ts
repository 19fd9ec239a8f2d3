/**
 * The query string of GET /api/v1/videos, checked before any SQL is built: what reaches
 * listVideos is always a page that can be asked for.
 */

import {
  DEFAULT_VIDEO_SORT,
  isVideoSort,
  parseOriginParam,
  VIDEO_SORTS,
  type OriginFilter,
  type VideoSort,
} from '@swarmtube/contracts';

export { VIDEO_SORTS, type OriginFilter, type VideoSort };

export interface ListVideosQuery {
  /** The user's words, as typed; absent or blank: no filter. */
  search?: string;
  start: number;
  count: number;
  sort: VideoSort;
  origin: OriginFilter;
}

export const DEFAULT_COUNT = 15;
export const MAX_COUNT = 100;
/** Further pages cost a scan of every row before them and nobody reads them. */
export const MAX_START = 100_000;

export type ParsedListVideosQuery = { ok: true; query: ListVideosQuery } | { ok: false; code: 'invalid-query'; problems: string[] };

/**
 * Reads `search`, `start`, `count`, `sort` and `origin` (`local`, `remote` or a host[:port])
 * from a parsed query string. Other parameters are ignored, as PeerTube clients send some
 * this pod has no use for. A parameter given twice, or as an object, is a problem.
 */
export function parseListVideosQuery(raw: unknown): ParsedListVideosQuery {
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, code: 'invalid-query', problems: ['query: must be a set of parameters'] };
  const params = raw as Record<string, unknown>;
  const problems: string[] = [];

  const single = (name: string): string | number | undefined => {
    const value = Object.hasOwn(params, name) ? params[name] : undefined;
    if (value === undefined) return undefined;
    if (typeof value === 'string' || typeof value === 'number') return value;
    problems.push(Array.isArray(value) ? `${name}: must be given once` : `${name}: must be a single value`);
    return undefined;
  };

  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const value = single(name);
    if (value === undefined) return fallback;
    const parsed = typeof value === 'number' ? value : /^[0-9]{1,15}$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      problems.push(`${name}: must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return parsed;
  };

  const search = single('search');
  const start = integer('start', 0, 0, MAX_START);
  const count = integer('count', DEFAULT_COUNT, 1, MAX_COUNT);

  let sort: VideoSort = DEFAULT_VIDEO_SORT;
  const rawSort = single('sort');
  if (rawSort !== undefined) {
    if (isVideoSort(rawSort)) sort = rawSort;
    else problems.push(`sort: must be one of ${VIDEO_SORTS.join(', ')}`);
  }

  let origin: OriginFilter = { kind: 'all' };
  const rawOrigin = single('origin');
  if (rawOrigin !== undefined) {
    const parsed = parseOriginParam(String(rawOrigin));
    if (parsed) origin = parsed;
    else problems.push('origin: must be local, remote or a pod host[:port]');
  }

  if (problems.length > 0) return { ok: false, code: 'invalid-query', problems };
  const query: ListVideosQuery = { start, count, sort, origin };
  if (search !== undefined) query.search = String(search);
  return { ok: true, query };
}

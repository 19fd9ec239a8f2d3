/**
 * The sorts and origin filters of GET /api/v1/videos, for the pod that answers the query
 * and the site that builds it. Browser-safe: no Node import.
 */

/** `-match` is PeerTube's name for relevance. Without a search, both fall back to `-publishedAt`. */
export const VIDEO_SORTS = ['-publishedAt', 'publishedAt', 'name', '-name', 'duration', '-duration', 'relevance', '-match'] as const;
export type VideoSort = (typeof VIDEO_SORTS)[number];

export const DEFAULT_VIDEO_SORT = '-publishedAt' satisfies VideoSort;

export function isVideoSort(value: unknown): value is VideoSort {
  return (VIDEO_SORTS as readonly unknown[]).includes(value);
}

export function isRelevanceSort(sort: VideoSort): sort is 'relevance' | '-match' {
  return sort === 'relevance' || sort === '-match';
}

export type OriginFilter =
  | { kind: 'all' }
  /** Uploaded to this pod. */
  | { kind: 'local' }
  /** Uploaded to any other pod. */
  | { kind: 'remote' }
  /** Uploaded to the pod at host[:port]. */
  | { kind: 'host'; host: string };

export const ALL_ORIGINS: OriginFilter = { kind: 'all' };

// events/common.schema.json#/$defs/host: the host of an origin's actor URL, lower case.
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]{2,45}\])(?::(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?$/;
const HOST_MAX = 261;

/** `origin=` as the pod reads it: `local`, `remote` or a pod's host[:port], any case; null for anything else. */
export function parseOriginParam(raw: string): OriginFilter | null {
  const value = raw.toLowerCase();
  if (value === 'local' || value === 'remote') return { kind: value };
  if (value.length <= HOST_MAX && HOST.test(value)) return { kind: 'host', host: value };
  return null;
}

/** The `origin=` value of a filter; undefined (no parameter) for every pod. */
export function originParam(origin: OriginFilter): string | undefined {
  switch (origin.kind) {
    case 'all':
      return undefined;
    case 'host':
      return origin.host;
    default:
      return origin.kind;
  }
}

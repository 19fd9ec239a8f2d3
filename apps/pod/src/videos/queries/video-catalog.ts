import type { ReadModelDatabase } from '@swarmtube/event-store';
import { postgresSearchVector, SEARCH_TABLE, SQLITE_BM25_WEIGHTS } from '../projections/video-search-index.js';
import { DEFAULT_VIDEO_SORT, isRelevanceSort } from '@swarmtube/contracts';
import type { ListVideosQuery, OriginFilter, VideoSort } from './list-videos-query.js';
import { fts5Match, searchTerms, tsqueryText } from './search-terms.js';
import type { VideoDto, VideoListDto } from '@swarmtube/contracts';
import { VIDEO_COLUMNS, type VideoRow } from './video-row.js';
import { toVideoDtos } from './video-mirrors.js';

export { parseListVideosQuery, type ListVideosQuery, type OriginFilter, type VideoSort } from './list-videos-query.js';

/**
 * The videos the read model holds, a page at a time, on either dialect (videos.projection.ts
 * version 2). Every order ends with the uuid, so that pages neither repeat nor skip a video.
 * `localActor` is this pod's actor URL: its videos are the local ones. Unavailable videos (their
 * pod expelled) are left out of lists and search.
 */
export async function listVideos(db: ReadModelDatabase, query: ListVideosQuery, localActor: string): Promise<VideoListDto> {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  // The videos of an expelled pod are kept (GET by uuid shows them, unavailable) but never listed.
  const where: string[] = ['v.available = 1'];
  const terms = searchTerms(query.search);
  let from = 'rm_videos v';
  let rank: string | null = null;
  if (terms.length > 0 && db.dialect === 'sqlite') {
    // FTS5 takes neither an alias in MATCH nor in bm25(); CROSS JOIN makes SQLite read the index first.
    from = `${SEARCH_TABLE} CROSS JOIN rm_videos v ON v.uuid = ${SEARCH_TABLE}.uuid`;
    where.push(`${SEARCH_TABLE} MATCH ${param(fts5Match(terms))}`);
    rank = `bm25(${SEARCH_TABLE}, ${SQLITE_BM25_WEIGHTS})`;
  } else if (terms.length > 0) {
    from = `${SEARCH_TABLE} s JOIN rm_videos v ON v.uuid = s.uuid`;
    const tsquery = `to_tsquery('simple', ${param(tsqueryText(terms))})`;
    where.push(`${postgresSearchVector('s')} @@ ${tsquery}`);
    // ts_rank grows with relevance where bm25 shrinks: negated, both sort ascending.
    rank = `-ts_rank(${postgresSearchVector('s')}, ${tsquery})`;
  }
  const origin = originCondition(query.origin, localActor, param);
  if (origin) where.push(origin);
  const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';

  const [counted] = await db.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${from} ${filter}`, params);
  const total = Number(counted?.n ?? 0);
  if (total === 0 || query.start >= total) return { total, data: [] };
  const rows = await db.query<VideoRow>(
    `SELECT ${VIDEO_COLUMNS} FROM ${from} ${filter} ORDER BY ${orderBy(query.sort, rank)} LIMIT ${param(query.count)} OFFSET ${param(query.start)}`,
    params,
  );
  return { total, data: await toVideoDtos(db, rows, localActor) };
}

/** One video by uuid, or null when the read model has none. */
export async function getVideo(db: ReadModelDatabase, uuid: string, localActor: string): Promise<VideoDto | null> {
  const [row] = await db.query<VideoRow>(`SELECT ${VIDEO_COLUMNS} FROM rm_videos v WHERE v.uuid = $1`, [uuid]);
  return row ? ((await toVideoDtos(db, [row], localActor))[0] ?? null) : null;
}

function originCondition(origin: OriginFilter, localActor: string, param: (value: unknown) => string): string | null {
  switch (origin.kind) {
    case 'local':
      return `v.origin = ${param(localActor)}`;
    case 'remote':
      return `v.origin <> ${param(localActor)}`;
    case 'host':
      return `v.origin_host = ${param(origin.host)}`;
    default:
      return null;
  }
}

const ORDER: Record<Exclude<VideoSort, 'relevance' | '-match'>, string> = {
  '-publishedAt': 'v.published_at DESC',
  publishedAt: 'v.published_at ASC',
  name: 'v.name_sort ASC',
  '-name': 'v.name_sort DESC',
  duration: 'v.duration ASC',
  '-duration': 'v.duration DESC',
};

function orderBy(sort: VideoSort, rank: string | null): string {
  // Relevance without a search ranks nothing: the newest first, as by default.
  const key = isRelevanceSort(sort) ? (rank ? `${rank} ASC` : ORDER[DEFAULT_VIDEO_SORT]) : ORDER[sort];
  return `${key}, v.uuid ASC`;
}

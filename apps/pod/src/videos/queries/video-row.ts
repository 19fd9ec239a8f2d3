import type { VideoDto } from '@swarmtube/contracts';

/** The rm_videos columns a VideoDto is made of, for a table aliased `v`. */
export const VIDEO_COLUMNS = [
  'uuid', 'origin', 'origin_host', 'name', 'description', 'tags', 'duration', 'size', 'mime_type', 'info_hash', 'magnet_uri',
  'torrent_url', 'web_seed_urls', 'thumbnail_url', 'account_username', 'published_at', 'updated_at', 'available',
].map((column) => `v.${column}`).join(', ');

export interface VideoRow {
  uuid: string;
  origin: string;
  origin_host: string;
  name: string;
  description: string;
  tags: string;
  duration: number | string;
  /** PostgreSQL returns BIGINT as a string. */
  size: number | string;
  mime_type: string;
  info_hash: string;
  magnet_uri: string;
  torrent_url: string;
  web_seed_urls: string;
  thumbnail_url: string;
  account_username: string;
  published_at: string;
  updated_at: string;
  available: number | string;
}

/** A video as its row alone shows it: without its mirrors and its origin's health (video-mirrors.ts adds them). */
export type VideoRowDto = Omit<VideoDto, 'mirrors' | 'originReachable' | 'servedByMirrors' | 'torrentUrls' | 'trackerUrls' | 'thumbnailUrls'>;

export function toVideoDto(row: VideoRow, localActor: string): VideoRowDto {
  return {
    uuid: row.uuid,
    name: row.name,
    description: row.description,
    tags: stringList(row.tags),
    duration: Number(row.duration),
    state: 'published',
    originHost: row.origin_host,
    isLocal: row.origin === localActor,
    infoHash: row.info_hash,
    magnetUri: row.magnet_uri,
    torrentUrl: row.torrent_url,
    webSeedUrls: stringList(row.web_seed_urls),
    thumbnailUrl: row.thumbnail_url,
    publishedAt: row.published_at,
    updatedAt: row.updated_at,
    size: Number(row.size),
    mimeType: row.mime_type,
    account: { username: row.account_username },
    available: Number(row.available) !== 0,
  };
}

/** A JSON list of strings as the projection stored it; anything else shows as an empty list rather than failing the page. */
export function stringList(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}

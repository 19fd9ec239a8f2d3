import { PodUrls, publicUrlOfActor, type VideoDto, type VideoMirrorDto } from '@swarmtube/contracts';
import type { ReadModelDatabase } from '@swarmtube/event-store';
import { isReachable } from '../../pods/health/health-score.js';
import { stringList, toVideoDto, type VideoRow, type VideoRowDto } from './video-row.js';

interface MirrorRow {
  uuid: string;
  mirror: string;
  mirror_host: string;
  torrent_url: string;
  trackers: string;
  web_seed_urls: string;
  mirrored_at: string;
}

/**
 * Videos as the API shows them, with their mirrors (rm_video_mirrors) and whether their origin
 * answers (this pod's health of it, pods/health): a copy counts only for the video and info-hash
 * it was made of, and not once its mirror is expelled. While the origin is unreachable, the
 * mirrors' torrents, trackers, web seeds and thumbnails come first, so a player (and an <img>)
 * tries them first. A mirror keeps the thumbnail beside its copy (mirrors/mirror-thumbnails.ts),
 * at the URL every pod derives from its actor.
 */
export async function toVideoDtos(db: ReadModelDatabase, rows: readonly VideoRow[], localActor: string): Promise<VideoDto[]> {
  if (rows.length === 0) return [];
  const uuids = rows.map((row) => row.uuid);
  const marks = uuids.map((_, index) => `$${index + 1}`).join(', ');
  const mirrors = await db.query<MirrorRow>(
    `SELECT m.uuid, m.mirror, m.mirror_host, m.torrent_url, m.trackers, m.web_seed_urls, m.mirrored_at
       FROM rm_video_mirrors m
       JOIN rm_videos v ON v.uuid = m.uuid AND v.origin = m.video_origin AND v.info_hash = m.info_hash
       LEFT JOIN rm_pods p ON p.actor = m.mirror
      WHERE m.uuid IN (${marks}) AND (p.status IS NULL OR p.status <> 'expelled')
      ORDER BY m.uuid, m.mirror_host`,
    uuids,
  );
  const actors = [...new Set([...rows.map((row) => row.origin), ...mirrors.map((m) => m.mirror)])].filter((actor) => actor !== localActor);
  const unreachable = new Set<string>();
  if (actors.length > 0) {
    const health = await db.query<{ actor: string; failures_in_row: number | string }>(
      `SELECT actor, failures_in_row FROM pod_health WHERE actor IN (${actors.map((_, index) => `$${index + 1}`).join(', ')})`,
      actors,
    );
    for (const row of health) if (!isReachable({ failuresInRow: Number(row.failures_in_row) })) unreachable.add(row.actor);
  }
  const byUuid = new Map<string, VideoMirrorDto[]>();
  for (const m of mirrors) {
    const list = byUuid.get(m.uuid) ?? [];
    list.push({
      host: m.mirror_host,
      torrentUrl: m.torrent_url,
      trackers: stringList(m.trackers),
      webSeedUrls: stringList(m.web_seed_urls),
      thumbnailUrl: thumbnailOf(m.mirror, m.uuid),
      mirroredAt: m.mirrored_at,
      reachable: !unreachable.has(m.mirror),
    });
    byUuid.set(m.uuid, list);
  }
  return rows.map((row) => withMirrors(toVideoDto(row, localActor), byUuid.get(row.uuid) ?? [], !unreachable.has(row.origin)));
}

/** Pure: a video's view with its mirrors folded into its torrents, trackers, web seeds and magnet. */
export function withMirrors(video: VideoRowDto, mirrors: VideoMirrorDto[], originReachable: boolean): VideoDto {
  const originTrackers = magnetParams(video.magnetUri, 'tr');
  const reachableFirst = [...mirrors].sort((a, b) => Number(b.reachable) - Number(a.reachable));
  const origin = { torrentUrl: video.torrentUrl, trackers: originTrackers, webSeedUrls: video.webSeedUrls, thumbnailUrl: video.thumbnailUrl };
  const sources = originReachable ? [origin, ...reachableFirst] : [...reachableFirst, origin];
  const unique = (lists: string[][]) => [...new Set(lists.flat())];
  const trackerUrls = unique(sources.map((s) => s.trackers));
  const webSeedUrls = unique(sources.map((s) => s.webSeedUrls));
  let magnetUri = video.magnetUri;
  for (const url of trackerUrls) if (!originTrackers.includes(url)) magnetUri += `&tr=${encodeURIComponent(url)}`;
  const originSeeds = magnetParams(video.magnetUri, 'ws');
  for (const url of webSeedUrls) if (!originSeeds.includes(url)) magnetUri += `&ws=${encodeURIComponent(url)}`;
  return {
    ...video,
    magnetUri,
    webSeedUrls,
    mirrors,
    originReachable,
    servedByMirrors: !originReachable && mirrors.some((m) => m.reachable),
    torrentUrls: unique(sources.map((s) => [s.torrentUrl])),
    trackerUrls,
    thumbnailUrls: unique(sources.map((s) => (s.thumbnailUrl ? [s.thumbnailUrl] : []))),
  };
}

/** A mirror's copy of the thumbnail, where its pod serves its own (empty for an actor that is not a pod's). */
function thumbnailOf(actor: string, uuid: string): string {
  const base = publicUrlOfActor(actor);
  return base === null ? '' : new PodUrls(base).thumbnail(uuid);
}

function magnetParams(magnet: string, name: string): string[] {
  const query = magnet.startsWith('magnet:?') ? magnet.slice('magnet:?'.length) : '';
  const values: string[] = [];
  for (const part of query.split('&')) {
    const [key, value] = part.split('=', 2);
    if (key !== name || value === undefined) continue;
    try {
      values.push(decodeURIComponent(value));
    } catch {
      // A value that does not decode is not a URL this pod can use: skipped.
    }
  }
  return values;
}

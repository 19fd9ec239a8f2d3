import type { PodView, Video, VideoUploadState } from '@/api/types';

/** A published video as the API returns it, with overrides. */
export function aVideo(overrides: Partial<Video> = {}): Video {
  const uuid = overrides.uuid ?? '0190f0a4-5b1c-7cc0-8a37-2f9b1f0e3c11';
  return {
    uuid,
    name: 'Big Buck Bunny in the swarm',
    description: 'A test pattern and a tone.',
    tags: ['animation', 'p2p'],
    duration: 754,
    state: 'published',
    originHost: 'localhost:9003',
    isLocal: false,
    infoHash: 'a'.repeat(40),
    magnetUri: `magnet:?xt=urn:btih:${'a'.repeat(40)}`,
    torrentUrl: `http://localhost:9003/static/torrents/${uuid}.torrent`,
    webSeedUrls: [`http://localhost:9003/static/web-videos/${uuid}.mp4`],
    thumbnailUrl: `http://localhost:9003/static/thumbnails/${uuid}.jpg`,
    publishedAt: new Date(Date.now() - 3 * 60_000).toISOString(),
    updatedAt: new Date().toISOString(),
    size: 2_345_678,
    mimeType: 'video/mp4',
    account: { username: 'alice' },
    available: true,
    mirrors: [],
    originReachable: true,
    servedByMirrors: false,
    torrentUrls: [`http://localhost:9003/static/torrents/${uuid}.torrent`],
    trackerUrls: ['ws://localhost:9003/tracker/socket', 'http://localhost:9003/tracker/announce'],
    thumbnailUrls: [`http://localhost:9003/static/thumbnails/${uuid}.jpg`],
    ...overrides,
  };
}

/** A local upload still processing, as `GET /api/v1/videos/{uuid}` returns it, with overrides. */
export function anUpload(overrides: Partial<VideoUploadState> = {}): VideoUploadState {
  return {
    uuid: '0190f0a4-5b1c-7cc0-8a37-2f9b1f0e3c12',
    name: 'Bunny',
    description: '',
    tags: [],
    state: 'processing',
    progress: 0,
    step: 'queued',
    error: null,
    originHost: 'localhost:9003',
    isLocal: true,
    account: { username: 'alice' },
    createdAt: new Date(Date.now() - 1000).toISOString(),
    updatedAt: new Date().toISOString(),
    ...overrides,
  };
}

/** Another pod as `GET /api/v1/pods` shows it: an active friend, with overrides. */
export function aPod(host: string, overrides: Partial<PodView> = {}): PodView {
  return { host, actor: `http://${host}/federation/actor`, status: 'active', score: 100, joinedAt: null, lastSeenAt: null, friendship: 'accepted', ...overrides };
}

import { randomBytes, randomUUID } from 'node:crypto';
import type { EventDraft } from '@swarmtube/event-envelope';

/** Valid drafts with varied data, for tests and benchmarks that need realistic events. */
export function videoPublishedDraft(options: { host?: string; uuid?: string; name?: string; tags?: string[] } = {}): { stream: string; draft: EventDraft } {
  const uuid = options.uuid ?? randomUUID();
  const host = options.host ?? 'localhost:9999';
  const infoHash = randomBytes(20).toString('hex');
  const name = options.name ?? `Test video ${uuid.slice(0, 8)}`;
  return {
    stream: `video:${uuid}`,
    draft: {
      type: 'VideoPublished',
      schemaVersion: 1,
      data: {
        uuid,
        name,
        description: 'A video made by the test suite.',
        tags: options.tags ?? ['test', 'swarm'],
        duration: 12,
        size: 1_048_576,
        mimeType: 'video/mp4',
        infoHash,
        magnetUri: `magnet:?xt=urn:btih:${infoHash}&dn=${encodeURIComponent(name)}`,
        torrentUrl: `http://${host}/static/torrents/${uuid}.torrent`,
        webSeedUrls: [`http://${host}/static/web-videos/${uuid}.mp4`],
        thumbnailUrl: `http://${host}/static/thumbnails/${uuid}.jpg`,
        publishedAt: new Date().toISOString(),
        account: { username: 'camille' },
      },
    },
  };
}

export function videoUpdatedDraft(uuid: string, changes: { name?: string; description?: string; tags?: string[] }): EventDraft {
  return { type: 'VideoUpdated', schemaVersion: 1, data: { uuid, ...changes } };
}

export function videoDeletedDraft(uuid: string): EventDraft {
  return { type: 'VideoDeleted', schemaVersion: 1, data: { uuid } };
}

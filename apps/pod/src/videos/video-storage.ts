import { mkdirSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { PodUrls } from '../../../../libs/contracts/src/pod-urls.js';

/**
 * Where a pod keeps its videos' files and the URLs it serves them at. Everything is named by
 * the video's uuid, so removing a video's files needs nothing but its uuid.
 *
 *   <dataDir>/uploads/<random>.part      uploads being received or probed
 *   <dataDir>/web-videos/<uuid>.<ext>    the published file: web seed and seeder's data
 *   <dataDir>/torrents/<uuid>.torrent
 *   <dataDir>/thumbnails/<uuid>.jpg
 */
export class VideoStorage {
  readonly uploadsDir: string;
  readonly webVideosDir: string;
  readonly torrentsDir: string;
  readonly thumbnailsDir: string;

  constructor(
    dataDir: string,
    /** The pod's URLs (from its publicUrl). */
    private readonly podUrls: PodUrls,
    /** The UDP tracker's port: the pod's HTTP port. */
    private readonly udpPort: number,
  ) {
    this.uploadsDir = join(dataDir, 'uploads');
    this.webVideosDir = join(dataDir, 'web-videos');
    this.torrentsDir = join(dataDir, 'torrents');
    this.thumbnailsDir = join(dataDir, 'thumbnails');
    for (const dir of [this.uploadsDir, this.webVideosDir, this.torrentsDir, this.thumbnailsDir]) mkdirSync(dir, { recursive: true });
  }

  webVideoFileName(uuid: string, extension: string): string {
    return `${uuid}.${extension}`;
  }

  webVideoPath(uuid: string, extension: string): string {
    return join(this.webVideosDir, this.webVideoFileName(uuid, extension));
  }

  torrentPath(uuid: string): string {
    return join(this.torrentsDir, `${uuid}.torrent`);
  }

  thumbnailPath(uuid: string): string {
    return join(this.thumbnailsDir, `${uuid}.jpg`);
  }

  urls(uuid: string, extension: string): { webSeedUrl: string; torrentUrl: string; thumbnailUrl: string } {
    return {
      webSeedUrl: this.podUrls.webSeed(this.webVideoFileName(uuid, extension)),
      torrentUrl: this.podUrls.torrent(uuid),
      thumbnailUrl: this.podUrls.thumbnail(uuid),
    };
  }

  /** The origin's three trackers, WebSocket first: browsers can use no other. */
  announceList(): string[] {
    return this.podUrls.announceList(this.udpPort);
  }

  /** Every file of one video, whatever its extension; missing files are fine. */
  async removeVideoFiles(uuid: string): Promise<void> {
    const published = readdirSync(this.webVideosDir).filter((name) => name.startsWith(`${uuid}.`));
    await Promise.all([
      ...published.map((name) => rm(join(this.webVideosDir, name), { force: true })),
      rm(this.torrentPath(uuid), { force: true }),
      rm(this.thumbnailPath(uuid), { force: true }),
    ]);
  }

  /** uuids that have a file in web-videos/ (for the sweep of orphans at start). */
  uuidsOnDisk(): Set<string> {
    const uuids = new Set<string>();
    for (const dir of [this.webVideosDir, this.torrentsDir, this.thumbnailsDir]) {
      for (const name of readdirSync(dir)) {
        const uuid = /^([0-9a-f-]{36})\./.exec(name)?.[1];
        if (uuid) uuids.add(uuid);
      }
    }
    return uuids;
  }

  /** Uploads cut off by a crash: nobody will ever finish them. */
  async removePartialUploads(keep: ReadonlySet<string> = new Set()): Promise<number> {
    const stale = readdirSync(this.uploadsDir).filter((name) => !keep.has(join(this.uploadsDir, name)));
    await Promise.all(stale.map((name) => rm(join(this.uploadsDir, name), { force: true })));
    return stale.length;
  }
}

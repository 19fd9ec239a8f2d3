import { mkdirSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isTemporaryName } from './media/atomic-output.js';
import type { PodUrls } from '@swarmtube/contracts';

/**
 * Where a pod keeps its videos' files and the URLs it serves them at. Everything is named by
 * the video's uuid, so removing a video's files needs nothing but its uuid.
 *
 *   <dataDir>/uploads/<random>.part      uploads being received or probed
 *   <dataDir>/resumable-uploads/<id>.*   resumable uploads between their chunks (resumable-uploads.ts)
 *   <dataDir>/web-videos/<uuid>.<ext>    the published file: web seed and seeder's data
 *   <dataDir>/torrents/<uuid>.torrent
 *   <dataDir>/thumbnails/<uuid>.jpg
 *   <dataDir>/children/<pid>             ffmpeg/ffprobe running (media/child-processes.ts)
 *
 * Temporary files (a conversion, a thumbnail, a .torrent being written) are named
 * `<final name>.<pid>.<random>.swarmtube-tmp` beside their final name; nothing else ends so.
 */
export class VideoStorage {
  readonly uploadsDir: string;
  readonly resumableUploadsDir: string;
  readonly webVideosDir: string;
  readonly torrentsDir: string;
  readonly thumbnailsDir: string;
  readonly childrenDir: string;

  constructor(
    dataDir: string,
    /** The pod's URLs (from its publicUrl). */
    private readonly podUrls: PodUrls,
    /** The UDP tracker's port: the pod's HTTP port. */
    private readonly udpPort: number,
  ) {
    this.uploadsDir = join(dataDir, 'uploads');
    this.resumableUploadsDir = join(dataDir, 'resumable-uploads');
    this.webVideosDir = join(dataDir, 'web-videos');
    this.torrentsDir = join(dataDir, 'torrents');
    this.thumbnailsDir = join(dataDir, 'thumbnails');
    this.childrenDir = join(dataDir, 'children');
    for (const dir of [this.uploadsDir, this.resumableUploadsDir, this.webVideosDir, this.torrentsDir, this.thumbnailsDir]) mkdirSync(dir, { recursive: true });
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

  /**
   * Uploads cut off by a crash (and thumbnails made from them while they streamed in):
   * nobody will ever finish them. `owned`: the uploads of jobs still processing.
   */
  async removePartialUploads(owned: ReadonlySet<string> = new Set()): Promise<number> {
    return removeAll(this.uploadsDir, staleUploads(readdirSync(this.uploadsDir), this.uploadsDir, owned));
  }

  /** Temporary files of writes a crash interrupted, in every folder; `owned`: those of live jobs (none at start). */
  async removeTemporaries(owned: ReadonlySet<string> = new Set()): Promise<number> {
    let removed = 0;
    for (const dir of [this.uploadsDir, this.webVideosDir, this.torrentsDir, this.thumbnailsDir]) {
      removed += await removeAll(dir, staleTemporaries(readdirSync(dir), dir, owned));
    }
    return removed;
  }
}

/** The names in `dir` that are temporary files no live job owns. */
export function staleTemporaries(names: readonly string[], dir: string, owned: ReadonlySet<string>): string[] {
  return names.filter((name) => isTemporaryName(name) && !owned.has(join(dir, name)));
}

/** The names in the uploads folder that no job owns. */
export function staleUploads(names: readonly string[], dir: string, owned: ReadonlySet<string>): string[] {
  return names.filter((name) => !owned.has(join(dir, name)));
}

async function removeAll(dir: string, names: readonly string[]): Promise<number> {
  await Promise.all(names.map((name) => rm(join(dir, name), { force: true })));
  return names.length;
}

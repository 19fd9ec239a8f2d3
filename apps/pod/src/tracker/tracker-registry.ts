import { existsSync } from 'node:fs';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ReadModelDatabase } from '../../../../libs/event-store/src/read-model-database.port.js';
import type { VideoStorage } from '../videos/video-storage.js';

export interface TrackedVideo {
  uuid: string;
  infoHash: string;
  filePath: string;
  torrentPath: string;
}

/**
 * The torrents this pod's tracker answers for and its seeder serves: the pod's own published
 * videos, by info-hash. Loaded from the videos read model at start, then kept in step by the
 * only two things that change it, publishing and deleting a local video. The tracker asks it
 * on every announce, so it is a Map lookup.
 */
export class TrackerRegistry {
  private readonly byInfoHash = new Map<string, TrackedVideo>();
  private readonly byUuid = new Map<string, TrackedVideo>();

  constructor(private readonly storage: VideoStorage) {}

  async load(db: ReadModelDatabase, me: string): Promise<{ tracked: number; missingFiles: string[] }> {
    const rows = await db.query<{ uuid: string; info_hash: string }>('SELECT uuid, info_hash FROM rm_videos WHERE origin = $1', [me]);
    const files = new Map<string, string>();
    for (const name of readdirSync(this.storage.webVideosDir)) {
      const uuid = /^([0-9a-f-]{36})\.[a-z0-9]+$/.exec(name)?.[1];
      if (uuid) files.set(uuid, join(this.storage.webVideosDir, name));
    }
    const missingFiles: string[] = [];
    for (const row of rows) {
      const filePath = files.get(row.uuid);
      const torrentPath = this.storage.torrentPath(row.uuid);
      if (!filePath || !existsSync(torrentPath)) {
        missingFiles.push(row.uuid);
        continue;
      }
      this.add({ uuid: row.uuid, infoHash: row.info_hash, filePath, torrentPath });
    }
    return { tracked: this.byInfoHash.size, missingFiles };
  }

  add(video: TrackedVideo): void {
    this.byInfoHash.set(video.infoHash, video);
    this.byUuid.set(video.uuid, video);
  }

  remove(uuid: string): TrackedVideo | null {
    const video = this.byUuid.get(uuid);
    if (!video) return null;
    this.byUuid.delete(uuid);
    this.byInfoHash.delete(video.infoHash);
    return video;
  }

  has(infoHash: string): boolean {
    return this.byInfoHash.has(infoHash);
  }

  hasVideo(uuid: string): boolean {
    return this.byUuid.has(uuid);
  }

  /** A local video's files, by uuid. */
  video(uuid: string): TrackedVideo | undefined {
    return this.byUuid.get(uuid);
  }

  all(): TrackedVideo[] {
    return [...this.byInfoHash.values()];
  }

  get size(): number {
    return this.byInfoHash.size;
  }
}

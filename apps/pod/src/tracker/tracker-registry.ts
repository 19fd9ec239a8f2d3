import { ServedBytes } from './served-bytes.js';

export interface TrackedVideo {
  uuid: string;
  infoHash: string;
  filePath: string;
  torrentPath: string;
}

/**
 * The torrents this pod's tracker answers for and its seeder serves: the pod's own published
 * videos, by info-hash. Kept by one reaction to the log (videos/local-videos.ts): filled from
 * the videos read model at start, then by each VideoPublished and VideoDeleted of this pod.
 * The tracker asks it on every announce, so it is a Map lookup.
 */
export class TrackerRegistry {
  private readonly byInfoHash = new Map<string, TrackedVideo>();
  private readonly byUuid = new Map<string, TrackedVideo>();
  /** What the web seed and the seeder sent, per video of this registry and in all (/metrics). */
  readonly served = new ServedBytes();

  add(video: TrackedVideo): void {
    this.byInfoHash.set(video.infoHash, video);
    this.byUuid.set(video.uuid, video);
    this.served.track(video.uuid, video.infoHash);
  }

  remove(uuid: string): TrackedVideo | null {
    const video = this.byUuid.get(uuid);
    if (!video) return null;
    this.byUuid.delete(uuid);
    this.byInfoHash.delete(video.infoHash);
    this.served.untrack(video.uuid, video.infoHash);
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

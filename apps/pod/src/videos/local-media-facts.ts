import type { PodLogger } from '../logger/pod-logger.js';
import type { TrackerRegistry } from '../tracker/tracker-registry.js';
import { readJpegSize, type PictureSize } from './media/jpeg-size.js';
import { probeMedia } from './media/probe-media.js';
import type { VideoStorage } from './video-storage.js';

/**
 * What the origin pod can say of its own videos' media beyond what VideoPublished v1 carries:
 * the thumbnail's size and the published file's picture size and frame rate. PeerTube refuses
 * a Video whose icon has no size and drops file links without a resolution, so the origin
 * reads them from its files when it serves its Video objects (docs/protocol.md, "The Video
 * object"). Other pods have no files to read: they never claim these.
 */

export interface MediaFacts {
  thumbnail: PictureSize | null;
  /** The file's picture; frameRate when ffprobe states one. */
  picture: (PictureSize & { frameRate?: number }) | null;
}

export const NO_MEDIA_FACTS: MediaFacts = Object.freeze({ thumbnail: null, picture: null });

/** A fact that could not be read (a probe timed out on a busy pod) is tried again after this. */
const RETRY_AFTER_MS = 60_000;
const PROBE_TIMEOUT_MS = 10_000;

export class LocalMediaFacts {
  private readonly known = new Map<string, { facts: Promise<MediaFacts>; until: number }>();
  /** One ffprobe at a time: an outbox page may ask for twenty videos at once on two cores. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly registry: Pick<TrackerRegistry, 'hasVideo' | 'video'>,
    private readonly storage: Pick<VideoStorage, 'thumbnailPath'>,
    private readonly logger: PodLogger,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The facts of a local published video; none for any other uuid. Measured once (a published
   * file never changes) and kept while the video is local, so a flood of requests for one video
   * runs one probe.
   */
  of(uuid: string): Promise<MediaFacts> {
    if (!this.registry.hasVideo(uuid)) {
      this.known.delete(uuid);
      return Promise.resolve(NO_MEDIA_FACTS);
    }
    const cached = this.known.get(uuid);
    if (cached && cached.until > this.now()) return cached.facts;
    const entry = { facts: this.measure(uuid), until: Number.POSITIVE_INFINITY };
    this.known.set(uuid, entry);
    void entry.facts.then((facts) => {
      if (!facts.thumbnail || !facts.picture) entry.until = this.now() + RETRY_AFTER_MS;
    });
    return entry.facts;
  }

  private async measure(uuid: string): Promise<MediaFacts> {
    const [thumbnail, picture] = await Promise.all([readJpegSize(this.storage.thumbnailPath(uuid)), this.probePicture(uuid)]);
    return { thumbnail, picture };
  }

  private probePicture(uuid: string): Promise<MediaFacts['picture']> {
    const file = this.registry.video(uuid)?.filePath;
    if (!file) return Promise.resolve(null);
    const probed = this.queue.then(async () => {
      try {
        const { video } = await probeMedia(file, { timeoutMs: PROBE_TIMEOUT_MS });
        return { width: video.width, height: video.height, ...(video.frameRate ? { frameRate: video.frameRate } : {}) };
      } catch (error) {
        this.logger.warn(`video ${uuid}: cannot read its picture size: ${(error as Error)?.message ?? String(error)}`);
        return null;
      }
    });
    this.queue = probed;
    return probed;
  }
}

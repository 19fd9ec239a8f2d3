import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { isCatalogEvent, seederPeerId } from '@swarmtube/contracts';
import type { EventStore, ReadModelDatabase, StoredEvent, Subscription } from '@swarmtube/event-store';
import { Seeder } from '../seeder/seeder.js';
import type { PodLogger } from '../logger/pod-logger.js';
import type { TrackedVideo, TrackerRegistry } from '../tracker/tracker-registry.js';
import type { PublishedVideosReaction } from './processing/video-processing.js';
import type { VideoStorage } from './video-storage.js';

export interface SeedingOptions {
  peerPort: number;
  uploadLimitBytesPerSecond: number;
  /** The seeder's WebRTC ICE servers, asked again every iceRefreshSeconds (Seeder.start). */
  iceServers?: () => unknown[];
  iceRefreshSeconds?: number;
  /** Super-seeding (seeder/super-seeding.ts); off: every piece advertised to every peer. */
  superSeeding?: boolean;
  /** The pod's public URL: its seeder's peer id says which pod it is (seederPeerId). */
  publicUrl?: string;
}

/**
 * The pod's own published videos, and the copies it mirrors, as files, torrents and swarms:
 * one reaction to the log. A `VideoPublished` (or a `VideoMirrored`) of this pod registers the
 * video with the tracker and seeds it; a `VideoDeleted` (a `VideoUnmirrored`, or the origin's
 * `VideoDeleted` of a mirrored video) undoes both and removes the files. At start the same reaction is given the
 * state the log had reached (this pod's videos in the read model, current up to a position),
 * then every event appended after that position, whoever appended it (the upload's job, a
 * delete, a restore): nothing calls it directly, so the registry and the seeder follow the
 * log and nothing else.
 *
 * The seeder starts only once the HTTP server listens (a torrent announced before its
 * tracker listens is not announced again for a long while), and only when there is
 * something to seed: a pod without videos runs no BitTorrent client.
 */
export class LocalVideos implements PublishedVideosReaction {
  private seeder: Seeder | null = null;
  private starting: Promise<Seeder> | null = null;
  private listening = false;
  private store: EventStore | null = null;
  private subscription: Subscription | null = null;
  /** The log position this reaction has handled. */
  private handled = 0;
  private readonly waiters = new Set<() => void>();
  /**
   * The copies this pod mirrors, by uuid: their videos' origins. Only that origin's VideoDeleted
   * drops a copy; another pod's (any member may sign one for any uuid) never touches a copy, nor
   * the pod's own videos' files.
   */
  private readonly mirroredFrom = new Map<string, string>();

  constructor(
    readonly registry: TrackerRegistry,
    private readonly storage: VideoStorage,
    private readonly options: SeedingOptions,
    private readonly logger: PodLogger,
    /** This pod's actor: only its own videos are tracked and seeded. */
    private readonly me: string,
  ) {}

  /**
   * Starts following the log. `db` holds the read model current up to `position` (the
   * caller waited for it): the videos published by then are taken from it, the events after
   * it from the log. Returns this pod's videos whose file or .torrent is missing (neither
   * tracked nor seeded).
   */
  async follow(store: EventStore, db: ReadModelDatabase, position: number): Promise<{ missingFiles: string[] }> {
    this.store = store;
    const rows = await db.query<{ uuid: string; info_hash: string; mime_type: string; mirrored_from: string | null }>(
      `SELECT uuid, info_hash, mime_type, NULL AS mirrored_from FROM rm_videos WHERE origin = $1
       UNION ALL
       SELECT v.uuid, v.info_hash, v.mime_type, m.video_origin AS mirrored_from FROM rm_video_mirrors m JOIN rm_videos v ON v.uuid = m.uuid AND v.origin = m.video_origin WHERE m.mirror = $1`,
      [this.me],
    );
    const missingFiles: string[] = [];
    for (const row of rows) {
      if (row.mirrored_from) this.mirroredFrom.set(row.uuid, row.mirrored_from);
      if (!(await this.published({ uuid: row.uuid, infoHash: row.info_hash, mimeType: row.mime_type }))) missingFiles.push(row.uuid);
    }
    this.handled = position;
    this.subscription = store.subscribe(position, (batch) => this.react(batch));
    return { missingFiles };
  }

  /** Resolves once the reaction has handled the log up to `position`. */
  caughtUp(position: number): Promise<void> {
    if (this.handled >= position || !this.subscription) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (this.handled < position && this.subscription) return;
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  /** Called once the pod's HTTP server (and so its tracker) listens. */
  async startSeeding(): Promise<void> {
    this.listening = true;
    if (this.registry.size === 0) return;
    const seeder = await this.ensureSeeder();
    for (const video of this.registry.all()) await this.seedOne(seeder, video);
  }

  /**
   * After a delete: once the reaction has handled the log's head (a VideoDeleted just
   * appended: untracked, unseeded, files removed), the files of a video that never got
   * published (a cancelled job) go too.
   */
  async deleted(uuid: string): Promise<void> {
    if (this.store) await this.caughtUp(await this.store.headPosition());
    await this.storage.removeVideoFiles(uuid);
  }

  stats(): ReturnType<Seeder['stats']> | null {
    return this.seeder?.stats() ?? null;
  }

  async close(): Promise<void> {
    this.listening = false;
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.close();
    for (const waiter of [...this.waiters]) waiter();
    const seeder = this.seeder ?? (this.starting ? await this.starting.catch(() => null) : null);
    this.seeder = null;
    this.starting = null;
    await seeder?.close();
  }

  private async react(batch: StoredEvent[]): Promise<void> {
    for (const stored of batch) {
      const { event } = stored;
      if (isCatalogEvent(event) && event.origin === this.me && (event.type === 'VideoMirrored' || event.type === 'VideoUnmirrored')) {
        // A copy of another pod's video (mirrors/): tracked, seeded and served like the pod's own.
        try {
          if (event.type === 'VideoMirrored') this.mirroredFrom.set(event.data.uuid, event.data.videoOrigin);
          if (event.type === 'VideoMirrored' && !(await this.published({ uuid: event.data.uuid, infoHash: event.data.infoHash, mimeType: mimeTypeOfCopy(event.data.webSeedUrls) }))) {
            this.logger.error(`video ${event.data.uuid} is mirrored by this pod but its file or torrent is missing: it is neither tracked nor seeded`);
          }
          if (event.type === 'VideoUnmirrored') await this.unpublished(event.data.uuid);
        } catch (error) {
          this.logger.error(`video ${event.data.uuid}: ${event.type} could not be tracked: ${String(error)}`);
        }
      } else if (isCatalogEvent(event) && event.type === 'VideoDeleted' && event.origin !== this.me && this.mirroredFrom.get(event.data.uuid) === event.origin) {
        // The origin deleted a video this pod mirrors: the copy goes at once (mirrors/ records why).
        await this.unpublished(event.data.uuid).catch((error: unknown) => this.logger.error(`video ${event.data.uuid}: the mirrored copy could not be dropped: ${String(error)}`));
      } else if (isCatalogEvent(event) && event.origin === this.me && (event.type === 'VideoPublished' || event.type === 'VideoDeleted')) {
        const video = event.data;
        try {
          if (event.type === 'VideoPublished' && !(await this.published(event.data))) {
            this.logger.error(`video ${video.uuid} is published by this pod but its file or torrent is missing: it is neither tracked nor seeded`);
          }
          if (event.type === 'VideoDeleted') await this.unpublished(video.uuid);
        } catch (error) {
          this.logger.error(`video ${video.uuid}: ${event.type} could not be tracked: ${String(error)}`);
        }
      }
      this.handled = stored.position;
    }
    for (const waiter of [...this.waiters]) waiter();
  }

  /** False when its file or .torrent is missing: then it is neither tracked nor seeded. */
  private async published(video: { uuid: string; infoHash: string; mimeType: string }): Promise<boolean> {
    const tracked: TrackedVideo = {
      uuid: video.uuid,
      infoHash: video.infoHash,
      filePath: this.storage.webVideoPath(video.uuid, video.mimeType === 'video/webm' ? 'webm' : 'mp4'),
      torrentPath: this.storage.torrentPath(video.uuid),
    };
    if (!existsSync(tracked.filePath) || !existsSync(tracked.torrentPath)) return false;
    this.registry.add(tracked);
    // Not awaited: seed() waits for the trackers' first answers (up to seconds), and the
    // events behind this one (a delete, the next upload) need not wait for that.
    if (this.listening) void this.ensureSeeder().then((seeder) => this.seedOne(seeder, tracked), (error: unknown) => this.logger.error(`the seeder did not start: ${String(error)}`));
    return true;
  }

  private async unpublished(uuid: string): Promise<void> {
    this.mirroredFrom.delete(uuid);
    const tracked = this.registry.remove(uuid);
    if (tracked && this.seeder) await this.seeder.unseed(tracked.infoHash);
    await this.storage.removeVideoFiles(uuid);
  }

  /** Whether the seeder started (it starts with the first video once the HTTP server listens). */
  get seeding(): boolean {
    return this.listening;
  }

  private ensureSeeder(): Promise<Seeder> {
    if (this.seeder) return Promise.resolve(this.seeder);
    this.starting ??= Seeder.start({
      peerPort: this.options.peerPort,
      onUpload: (infoHash, protocol, bytes) => this.registry.served.seeded(infoHash, protocol, bytes),
      uploadLimitBytesPerSecond: this.options.uploadLimitBytesPerSecond,
      iceServers: this.options.iceServers,
      iceRefreshSeconds: this.options.iceRefreshSeconds,
      superSeeding: this.options.superSeeding === false ? false : {},
      peerId: this.options.publicUrl ? seederPeerId(this.options.publicUrl, randomBytes(6)) : undefined,
      logger: this.logger,
    }).then((seeder) => {
      this.seeder = seeder;
      return seeder;
    });
    return this.starting;
  }

  private async seedOne(seeder: Seeder, video: TrackedVideo): Promise<void> {
    try {
      await seeder.seed({ infoHash: video.infoHash, torrentFile: await readFile(video.torrentPath), filePath: video.filePath });
    } catch (error) {
      this.logger.error(`video ${video.uuid} cannot be seeded: ${(error as Error).message}`);
    }
  }
}

/** A mirrored copy keeps the origin's file name, whose extension its web seed shows. */
function mimeTypeOfCopy(webSeedUrls: readonly string[]): string {
  return webSeedUrls.some((url) => url.endsWith('.webm')) ? 'video/webm' : 'video/mp4';
}

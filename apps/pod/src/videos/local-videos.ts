import { Seeder } from '../seeder/seeder.js';
import type { PodLogger } from '../pod-runtime.js';
import type { TrackerRegistry } from '../tracker/tracker-registry.js';
import { readFile } from 'node:fs/promises';
import type { PublishedLocalVideo } from './processing/video-processing.js';
import type { VideoStorage } from './video-storage.js';

export interface SeedingOptions {
  peerPort: number;
  uploadLimitBytesPerSecond: number;
  /** The seeder's WebRTC ICE servers, asked again every iceRefreshSeconds (Seeder.start). */
  iceServers?: () => unknown[];
  iceRefreshSeconds?: number;
}

/**
 * The pod's own published videos as files, torrents and swarms: publishing registers a
 * video with the tracker and seeds it, deleting undoes both and removes the files.
 *
 * The seeder starts only once the HTTP server listens (a torrent announced before its
 * tracker listens is not announced again for a long while), and only when there is
 * something to seed: a pod without videos runs no BitTorrent client.
 */
export class LocalVideos {
  private seeder: Seeder | null = null;
  private starting: Promise<Seeder> | null = null;
  private listening = false;

  constructor(
    readonly registry: TrackerRegistry,
    private readonly storage: VideoStorage,
    private readonly options: SeedingOptions,
    private readonly logger: PodLogger,
  ) {}

  /** Called once the pod's HTTP server (and so its tracker) listens. */
  async startSeeding(): Promise<void> {
    this.listening = true;
    if (this.registry.size === 0) return;
    const seeder = await this.ensureSeeder();
    for (const video of this.registry.all()) await this.seedOne(seeder, video);
  }

  async published(video: PublishedLocalVideo): Promise<void> {
    const tracked = { uuid: video.uuid, infoHash: video.infoHash, filePath: video.filePath, torrentPath: this.storage.torrentPath(video.uuid) };
    this.registry.add(tracked);
    if (!this.listening) return;
    await this.seedOne(await this.ensureSeeder(), tracked, video.torrentFile);
  }

  async deleted(uuid: string): Promise<void> {
    const tracked = this.registry.remove(uuid);
    if (tracked && this.seeder) await this.seeder.unseed(tracked.infoHash);
    await this.storage.removeVideoFiles(uuid);
  }

  stats(): ReturnType<Seeder['stats']> | null {
    return this.seeder?.stats() ?? null;
  }

  async close(): Promise<void> {
    this.listening = false;
    const seeder = this.seeder ?? (this.starting ? await this.starting.catch(() => null) : null);
    this.seeder = null;
    this.starting = null;
    await seeder?.close();
  }

  private ensureSeeder(): Promise<Seeder> {
    if (this.seeder) return Promise.resolve(this.seeder);
    this.starting ??= Seeder.start({
      peerPort: this.options.peerPort,
      uploadLimitBytesPerSecond: this.options.uploadLimitBytesPerSecond,
      iceServers: this.options.iceServers,
      iceRefreshSeconds: this.options.iceRefreshSeconds,
      logger: this.logger,
    }).then((seeder) => {
      this.seeder = seeder;
      return seeder;
    });
    return this.starting;
  }

  private async seedOne(seeder: Seeder, video: { uuid: string; infoHash: string; filePath: string; torrentPath: string }, torrentFile?: Buffer): Promise<void> {
    try {
      await seeder.seed({ infoHash: video.infoHash, torrentFile: torrentFile ?? (await readFile(video.torrentPath)), filePath: video.filePath });
    } catch (error) {
      this.logger.error(`video ${video.uuid} cannot be seeded: ${(error as Error).message}`);
    }
  }
}

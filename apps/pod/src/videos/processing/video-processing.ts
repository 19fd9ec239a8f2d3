import { existsSync } from 'node:fs';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { videoStream } from '../../../../../libs/contracts/src/events/event-streams.js';
import type { EventStore } from '../../../../../libs/event-store/src/event-store.port.js';
import { buildTorrent, choosePieceLength, hashFile, magnetUri } from '../../../../../libs/torrent/src/index.js';
import type { EventLog } from '../../event-log/event-log.js';
import type { PodLogger } from '../../pod-runtime.js';
import type { VideoFields } from '../domain/video-fields.js';
import { convertVideo, makeThumbnail, MediaError, planProcessing, probeMedia, writeAtomically, type MediaProbe } from '../media/index.js';
import type { VideoStorage } from '../video-storage.js';
import type { VideoJob, VideoJobs } from './video-jobs.js';

/** A local video ready to be tracked and seeded. */
export interface PublishedLocalVideo {
  uuid: string;
  infoHash: string;
  torrentFile: Buffer;
  filePath: string;
}

export interface AcceptedUpload {
  uuid: string;
  owner: string;
  fields: VideoFields;
  sourcePath: string;
  probe: MediaProbe;
  /** Hashed while the upload streamed in; reused when the file is published as it is. */
  pieces: { pieceLength: number; pieces: Buffer } | null;
  /** Made from the upload while it streamed in (UploadReadAhead); used when the file is published as it is. */
  thumbnailPath?: string | null;
}

/**
 * The processing job of an upload: plan (keep, remux or transcode), convert when a browser
 * could not play the file, thumbnail (made while the upload streamed in, when it could be),
 * torrent, then VideoPublished. Until the event is appended nothing is public; if any step
 * fails, every file of the video is removed and the job says why (state `failed`), and no
 * event is ever appended.
 */
export class VideoProcessing {
  /** Jobs under way: how to stop each, and when it has stopped (published, failed or cancelled). */
  private readonly running = new Map<string, { controller: AbortController; settled: Promise<void> }>();
  /** Conversions take both cores: one at a time. Uploads kept as they are do not wait. */
  private conversionQueue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly jobs: VideoJobs,
    private readonly storage: VideoStorage,
    private readonly eventLog: EventLog,
    private readonly store: EventStore,
    private readonly onPublished: (video: PublishedLocalVideo) => Promise<void>,
    private readonly logger: PodLogger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get busy(): boolean {
    return this.running.size > 0;
  }

  /** Records the job and starts it; returns once the job is recorded (the upload's answer). */
  async accept(upload: AcceptedUpload): Promise<void> {
    const at = this.now().toISOString();
    await this.jobs.insert({
      uuid: upload.uuid,
      owner: upload.owner,
      state: 'processing',
      progress: 0,
      step: 'queued',
      errorCode: null,
      errorMessage: null,
      ...upload.fields,
      sourcePath: upload.sourcePath,
      createdAt: at,
      updatedAt: at,
    });
    this.start(upload);
  }

  /** After a restart: finish what was interrupted, or say it failed. */
  async resumeInterrupted(): Promise<Set<string>> {
    const sources = new Set<string>();
    for (const job of await this.jobs.inState('processing')) {
      if ((await this.store.readStream(videoStream(job.uuid))).length > 0) {
        // Crashed between the event and the job's last update: the video is published.
        await this.jobs.update(job.uuid, { state: 'published', progress: 1, step: 'published', sourcePath: null, updatedAt: this.now().toISOString() });
        continue;
      }
      if (!job.sourcePath || !existsSync(job.sourcePath)) {
        await this.fail(job.uuid, [job.sourcePath], new MediaError('interrupted', 'the pod stopped while processing this video and its upload is gone'));
        continue;
      }
      sources.add(job.sourcePath);
      try {
        const probe = await probeMedia(job.sourcePath, { timeoutMs: 30_000 });
        this.start({ uuid: job.uuid, owner: job.owner, fields: job, sourcePath: job.sourcePath, probe, pieces: null });
      } catch (error) {
        await this.fail(job.uuid, [job.sourcePath], error);
      }
    }
    return sources;
  }

  /**
   * Stops a job (its video is being deleted before it was published) and resolves once the job
   * has stopped. A job past its last check publishes anyway: the caller reads the job again and
   * deletes a published video as such (VideoDeleted), rather than dropping the files of a video
   * the network already has.
   */
  async cancel(uuid: string): Promise<void> {
    const job = this.running.get(uuid);
    if (!job) return;
    job.controller.abort();
    await job.settled;
  }

  private start(upload: AcceptedUpload): void {
    const controller = new AbortController();
    const settled = this.run(upload, controller.signal)
      .catch((error) => this.fail(upload.uuid, [upload.sourcePath, upload.thumbnailPath ?? null], error))
      .catch((error) => this.logger.error(`video ${upload.uuid}: could not record its failure: ${String(error)}`))
      .finally(() => this.running.delete(upload.uuid));
    this.running.set(upload.uuid, { controller, settled });
  }

  private async progress(uuid: string, step: string, progress: number): Promise<void> {
    await this.jobs.update(uuid, { step, progress: Math.min(1, Math.max(0, progress)), updatedAt: this.now().toISOString() });
  }

  private async run(upload: AcceptedUpload, signal: AbortSignal): Promise<void> {
    const { uuid, probe } = upload;
    const plan = planProcessing(probe, upload.sourcePath);
    const filePath = this.storage.webVideoPath(uuid, plan.extension);
    let pieces = upload.pieces;
    let readyThumbnail = upload.thumbnailPath ?? null;
    if (plan.action === 'keep') {
      await rename(upload.sourcePath, filePath);
    } else {
      // A converted video's thumbnail is made from the conversion.
      if (readyThumbnail) await rm(readyThumbnail, { force: true });
      readyThumbnail = null;
      await this.progress(uuid, plan.action === 'transcode' ? 'transcoding' : 'remuxing', 0);
      const converted = this.conversionQueue.then(() =>
        convertVideo(upload.sourcePath, filePath, plan, {
          signal,
          onProgress: (fraction) => void this.progress(uuid, plan.action === 'transcode' ? 'transcoding' : 'remuxing', fraction * 0.9).catch(() => undefined),
        }),
      );
      this.conversionQueue = converted.catch(() => undefined);
      await converted;
      await rm(upload.sourcePath, { force: true });
      pieces = null;
    }
    signal.throwIfAborted();
    const size = (await stat(filePath)).size;
    const finalProbe = plan.action === 'keep' ? probe : await probeMedia(filePath, { timeoutMs: 30_000 });
    await this.progress(uuid, 'hashing', 0.9);
    if (!pieces) {
      const pieceLength = choosePieceLength(size);
      pieces = { pieceLength, ...(await hashFile(filePath, pieceLength)) };
    }
    signal.throwIfAborted();

    const urls = this.storage.urls(uuid, plan.extension);
    const announce = this.storage.announceList();
    const fileName = this.storage.webVideoFileName(uuid, plan.extension);
    const { torrent, infoHash } = buildTorrent({
      name: fileName,
      length: size,
      pieceLength: pieces.pieceLength,
      pieces: pieces.pieces,
      announce,
      urlList: [urls.webSeedUrl],
      createdBy: 'Swarmtube',
      creationDate: this.now(),
    });
    await Promise.all([
      readyThumbnail
        ? rename(readyThumbnail, this.storage.thumbnailPath(uuid))
        : makeThumbnail(filePath, this.storage.thumbnailPath(uuid), { durationSeconds: finalProbe.durationSeconds }),
      writeAtomically(this.storage.torrentPath(uuid), (temp) => writeFile(temp, torrent, { mode: 0o644 })),
    ]);
    signal.throwIfAborted();

    const publishedAt = this.now().toISOString();
    await this.eventLog.append(
      videoStream(uuid),
      [
        {
          type: 'VideoPublished',
          schemaVersion: 1,
          data: {
            uuid,
            name: upload.fields.name,
            description: upload.fields.description,
            tags: upload.fields.tags,
            duration: Math.round(finalProbe.durationSeconds),
            size,
            mimeType: plan.mimeType,
            infoHash,
            magnetUri: magnetUri({ infoHash, name: upload.fields.name, announce, webSeeds: [urls.webSeedUrl], length: size }),
            torrentUrl: urls.torrentUrl,
            webSeedUrls: [urls.webSeedUrl],
            thumbnailUrl: urls.thumbnailUrl,
            publishedAt,
            account: { username: upload.owner },
          },
        },
      ],
      { expectedVersion: 'no-stream' },
    );
    // Published now: whatever fails below must not remove its files (a restart repairs the job row).
    try {
      await this.jobs.update(uuid, { state: 'published', progress: 1, step: 'published', sourcePath: null, updatedAt: publishedAt });
      await this.onPublished({ uuid, infoHash, torrentFile: torrent, filePath });
    } catch (error) {
      this.logger.error(`video ${uuid} is published but could not be tracked or seeded yet: ${String(error)}`);
    }
  }

  /** `leftovers`: the job's files outside the video's own (the upload, a thumbnail made from it). */
  private async fail(uuid: string, leftovers: Array<string | null>, error: unknown): Promise<void> {
    const code = error instanceof MediaError ? error.code : (error as Error)?.name === 'AbortError' ? 'cancelled' : 'processing-failed';
    const message = error instanceof MediaError ? error.message : `processing failed: ${(error as Error)?.message ?? String(error)}`;
    if (code !== 'cancelled') this.logger.warn(`video ${uuid}: ${message}`);
    await this.storage.removeVideoFiles(uuid);
    await Promise.all(leftovers.map((path) => (path ? rm(path, { force: true }) : undefined)));
    await this.jobs.update(uuid, { state: 'failed', step: 'failed', errorCode: code, errorMessage: message, sourcePath: null, updatedAt: this.now().toISOString() });
  }
}

export type { VideoJob };

import { existsSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { videoStream } from '@swarmtube/contracts';
import { isCatalogEvent } from '@swarmtube/contracts';
import { ConcurrencyError } from '@swarmtube/event-store';
import type { EventStore } from '@swarmtube/event-store';
import { buildTorrent, choosePieceLength, hashFile, magnetUri } from '@swarmtube/torrent';
import type { EventLog } from '../../event-log/event-log.js';
import { ProblemError } from '../../http/problem.js';
import type { PodLogger } from '../../logger/pod-logger.js';
import { decidePublish } from '../domain/publish-video.js';
import { fold } from '../domain/video.js';
import type { VideoFields } from '../domain/video-fields.js';
import { writeBytesAtomically } from '../media/atomic-output.js';
import { convertVideo, makeThumbnail, MediaError, planProcessing, probeMedia, type MediaProbe } from '../media/index.js';
import type { VideoStorage } from '../video-storage.js';
import { crashHere, crashPointFromEnv, type CrashPoint } from './test-crash.js';
import { VideoJobFinished } from './video-job-finished.event.js';
import type { VideoJob, VideoJobs } from './video-jobs.js';

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

/** What the first run of a job has in memory from the upload; a resumed job does without (it re-probes, re-hashes). */
interface Head {
  probe?: MediaProbe;
  pieces?: { pieceLength: number; pieces: Buffer } | null;
  thumbnailPath?: string | null;
}

/** The reaction to the log that tracks and seeds local videos (local-videos.ts): a job says `published` once it has. */
export interface PublishedVideosReaction {
  caughtUp(position: number): Promise<void>;
}

/** A failure that is no fault of the file: retried (the job stays `processing`), never a reason to drop an upload answered 201. */
const RETRY_FIRST_MS = 15_000;
const RETRY_MAX_MS = 10 * 60_000;

/**
 * The processing job of an upload (docs/videos.md, "Processing"). Every step is idempotent
 * and its outcome durable, so that a job interrupted anywhere (kill -9, power loss) is
 * finished at the next start from where its bytes are:
 *
 * 1. plan (keep, remux or transcode), recorded in the job row when the upload is accepted;
 * 2. place the file at web-videos/<uuid>.<ext>: a kept upload is renamed there, a converted
 *    one is written to a temporary name and renamed there when whole, so a final name always
 *    holds a whole file; then the row says where the bytes are (`file_path`, no
 *    `source_path`), then the upload of a converted file is removed;
 * 3. hash, thumbnail and .torrent (final names written atomically; a resumed job re-hashes,
 *    reuses a thumbnail in place, rewrites the .torrent: same bytes, same info-hash);
 * 4. VideoPublished, decided on the video's stream (domain/publish-video.ts) and appended at
 *    the version read: a re-run finds it published and appends nothing;
 * 5. once the tracker and seeder have taken it (the reaction to the log), the row says `published`.
 *
 * A job is `failed` (its files removed, no event) only when the file is bad (a MediaError:
 * ffprobe or ffmpeg refused it), its bytes are gone, or it was cancelled. Anything else (a
 * full disk, a database hiccup) leaves it `processing` and is retried.
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
    private readonly reaction: PublishedVideosReaction,
    private readonly logger: PodLogger,
    /** Told when a job is published or failed (VideoJobFinished: /metrics times them). */
    private readonly events: { publish(event: VideoJobFinished): unknown } = { publish() {} },
    private readonly now: () => Date = () => new Date(),
    /** TEST ONLY (test-crash.ts): off unless SWARMTUBE_TEST_CRASH_AT is set. */
    private readonly crashAt: CrashPoint | null = crashPointFromEnv(),
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
      plan: planProcessing(upload.probe, upload.sourcePath),
      filePath: null,
      createdAt: at,
      updatedAt: at,
    });
    if (this.crashAt === 'accepted') {
      // After the 201 has gone out (the answer is written within this tick), before any step.
      setTimeout(() => crashHere(this.crashAt, 'accepted'), 50);
      return;
    }
    this.start(upload.uuid, { probe: upload.probe, pieces: upload.pieces, thumbnailPath: upload.thumbnailPath ?? null });
  }

  /** The uploads that jobs still processing own: the sweep at start keeps them. */
  async ownedUploads(): Promise<Set<string>> {
    return new Set((await this.jobs.inState('processing')).flatMap((job) => (job.sourcePath ? [job.sourcePath] : [])));
  }

  /** After a restart: every job still `processing` goes on from where its bytes are. */
  async resumeInterrupted(): Promise<number> {
    const jobs = await this.jobs.inState('processing');
    for (const job of jobs) this.start(job.uuid, {});
    return jobs.length;
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

  private start(uuid: string, head: Head): void {
    const controller = new AbortController();
    const { signal } = controller;
    const settled = (async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          await this.run(uuid, attempt === 0 ? head : {}, signal);
          return;
        } catch (error) {
          if (signal.aborted || !retryable(error)) {
            await this.fail(uuid, attempt === 0 ? [head.thumbnailPath ?? null] : [], error);
            return;
          }
          const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** attempt);
          this.logger.error(`video ${uuid}: processing stalled (${String(error)}); retrying in ${delay / 1000} s`, { job: uuid, outcome: 'stalled', attempt: attempt + 1, retryInSeconds: delay / 1000, err: error });
          await this.jobs.update(uuid, { step: 'stalled', errorMessage: `retrying: ${(error as Error)?.message ?? String(error)}`, updatedAt: this.now().toISOString() }).catch(() => undefined);
          if (head.thumbnailPath) await rm(head.thumbnailPath, { force: true });
          const stopped = await sleep(delay, signal);
          if (stopped) {
            await this.fail(uuid, [], new MediaError('cancelled', 'processing was cancelled'));
            return;
          }
        }
      }
    })()
      .catch((error) => this.logger.error(`video ${uuid}: could not record its failure: ${String(error)}`, { job: uuid, outcome: 'unrecorded', err: error }))
      .finally(() => this.running.delete(uuid));
    this.running.set(uuid, { controller, settled });
  }

  private async progress(uuid: string, step: string, progress: number): Promise<void> {
    await this.jobs.update(uuid, { step, progress: Math.min(1, Math.max(0, progress)), updatedAt: this.now().toISOString() });
  }

  private async run(uuid: string, head: Head, signal: AbortSignal): Promise<void> {
    const job = await this.jobs.get(uuid);
    if (!job || job.state !== 'processing') return;
    const published = await this.store.readStream(videoStream(uuid));
    if (published.length > 0) {
      // Crashed between the event and the job's last update: its files are served as they are.
      await this.markPublished(uuid, published.at(-1)!.position, this.storage.webVideoPath(uuid, job.plan?.extension ?? 'mp4'));
      return;
    }
    const placed = await this.place(job, head, signal);
    signal.throwIfAborted();
    const { filePath, plan } = placed;
    let { pieces } = placed;

    const size = (await stat(filePath)).size;
    const probe = plan.action === 'keep' && head.probe ? head.probe : await probeMedia(filePath, { timeoutMs: 30_000 });
    await this.progress(uuid, 'hashing', 0.9);
    if (!pieces) {
      const pieceLength = choosePieceLength(size);
      const hashing = hashFile(filePath, pieceLength);
      if (this.crashAt === 'hashing') setImmediate(() => crashHere(this.crashAt, 'hashing'));
      pieces = { pieceLength, ...(await hashing) };
    }
    signal.throwIfAborted();

    const urls = this.storage.urls(uuid, plan.extension);
    const announce = this.storage.announceList();
    const { torrent, infoHash } = buildTorrent({
      name: this.storage.webVideoFileName(uuid, plan.extension),
      length: size,
      pieceLength: pieces.pieceLength,
      pieces: pieces.pieces,
      announce,
      urlList: [urls.webSeedUrl],
      createdBy: 'Swarmtube',
      creationDate: this.now(),
    });
    await Promise.all([this.placeThumbnail(uuid, filePath, placed.readyThumbnail, probe.durationSeconds), writeBytesAtomically(this.storage.torrentPath(uuid), torrent)]);
    crashHere(this.crashAt, 'prepared');
    signal.throwIfAborted();

    await this.progress(uuid, 'publishing', 0.95);
    const stream = videoStream(uuid);
    const history = await this.store.readStream(stream);
    const publishedAt = this.now().toISOString();
    const decision = decidePublish(fold(history.map((stored) => stored.event).filter(isCatalogEvent)), {
      uuid,
      owner: job.owner,
      fields: { name: job.name, description: job.description, tags: job.tags },
      media: { durationSeconds: probe.durationSeconds, size, mimeType: plan.mimeType },
      distribution: {
        infoHash,
        magnetUri: magnetUri({ infoHash, name: job.name, announce, webSeeds: [urls.webSeedUrl], length: size }),
        torrentUrl: urls.torrentUrl,
        webSeedUrl: urls.webSeedUrl,
        thumbnailUrl: urls.thumbnailUrl,
      },
      publishedAt,
    });
    if (decision.outcome === 'deleted') return; // its delete removes the job and the files
    let position = history.at(-1)?.position ?? 0;
    if (decision.outcome === 'publish') {
      try {
        const appended = await this.eventLog.append(stream, decision.drafts, { expectedVersion: history.length === 0 ? 'no-stream' : history.length });
        position = appended.events.at(-1)!.position;
      } catch (error) {
        // Another run of this job appended it meanwhile: published all the same, once.
        if (!(error instanceof ConcurrencyError)) throw error;
        position = (await this.store.readStream(stream)).at(-1)?.position ?? position;
      }
    }
    crashHere(this.crashAt, 'published');
    await this.markPublished(uuid, position, filePath);
  }

  /** Once the tracker and the seeder have taken the event at `position`. */
  private async markPublished(uuid: string, position: number, filePath: string): Promise<void> {
    // Published now: whatever fails below must not remove its files (a restart repairs the job row).
    try {
      await this.reaction.caughtUp(position);
      const job = await this.jobs.get(uuid);
      await this.jobs.update(uuid, { state: 'published', progress: 1, step: 'published', sourcePath: null, filePath, errorMessage: null, updatedAt: this.now().toISOString() });
      if (job && job.state !== 'published') this.finished(job, 'published');
    } catch (error) {
      this.logger.error(`video ${uuid} is published but its job could not say so yet: ${String(error)}`, { job: uuid, position, err: error });
    }
  }

  /**
   * Step 2: the video's file at its final name, wherever the bytes were (the upload, or
   * already in place after a crash). A final name holds a whole file: a kept upload is
   * renamed there, a conversion is renamed there only once finished.
   */
  private async place(job: VideoJob, head: Head, signal: AbortSignal) {
    const { uuid } = job;
    let plan = job.plan;
    if (!plan) {
      // A job recorded by a version that did not keep its plan: plan again from where the
      // bytes are (that version moved a kept upload into place without saying so).
      const inPlace = ['mp4', 'webm'].map((extension) => this.storage.webVideoPath(uuid, extension)).find((path) => existsSync(path));
      const bytes = job.sourcePath && existsSync(job.sourcePath) ? job.sourcePath : inPlace;
      if (!bytes) throw gone();
      plan = planProcessing(head.probe ?? (await probeMedia(bytes, { timeoutMs: 30_000 })), bytes);
      if (bytes === inPlace && this.storage.webVideoPath(uuid, plan.extension) !== inPlace) throw gone();
      await this.jobs.update(uuid, { plan, updatedAt: this.now().toISOString() });
    }
    const filePath = this.storage.webVideoPath(uuid, plan.extension);
    let pieces = null as Head['pieces'];
    let readyThumbnail = null as string | null;
    if (!existsSync(filePath)) {
      const source = job.sourcePath;
      if (!source || !existsSync(source)) throw gone();
      if (plan.action === 'keep') {
        await this.progress(uuid, 'moving', 0.05);
        await rename(source, filePath);
        crashHere(this.crashAt, 'moved');
        pieces = head.pieces ?? null;
        readyThumbnail = head.thumbnailPath ?? null;
      } else {
        // A converted video's thumbnail is made from the conversion.
        if (head.thumbnailPath) await rm(head.thumbnailPath, { force: true });
        const step = plan.action === 'transcode' ? 'transcoding' : 'remuxing';
        await this.progress(uuid, step, 0);
        const conversion = plan;
        const converted = this.conversionQueue.then(() =>
          convertVideo(source, filePath, conversion, {
            signal,
            onProgress: (fraction) => {
              if (fraction > 0) crashHere(this.crashAt, 'converting');
              void this.progress(uuid, step, fraction * 0.9).catch(() => undefined);
            },
          }),
        );
        this.conversionQueue = converted.catch(() => undefined);
        await converted;
      }
    } else if (head.thumbnailPath) {
      await rm(head.thumbnailPath, { force: true });
    }
    // Where the bytes are now, before the upload of a converted file goes.
    await this.jobs.update(uuid, { step: 'placed', filePath, sourcePath: null, updatedAt: this.now().toISOString() });
    crashHere(this.crashAt, 'placed');
    if (job.sourcePath) await rm(job.sourcePath, { force: true });
    return { plan, filePath, pieces, readyThumbnail };
  }

  private async placeThumbnail(uuid: string, filePath: string, readyThumbnail: string | null, durationSeconds: number): Promise<void> {
    const output = this.storage.thumbnailPath(uuid);
    if (readyThumbnail && existsSync(readyThumbnail)) {
      await rename(readyThumbnail, output);
      return;
    }
    // Written atomically: one in place is whole (a resumed job keeps it).
    if (existsSync(output)) return;
    await makeThumbnail(filePath, output, { durationSeconds });
  }

  /** `leftovers`: the job's files outside the video's own (a thumbnail made from the upload). */
  private async fail(uuid: string, leftovers: Array<string | null>, error: unknown): Promise<void> {
    const code = error instanceof MediaError ? error.code : (error as Error)?.name === 'AbortError' ? 'cancelled' : 'processing-failed';
    const message = error instanceof MediaError || error instanceof ProblemError ? error.message : `processing failed: ${(error as Error)?.message ?? String(error)}`;
    if (code !== 'cancelled') this.logger.warn(`video ${uuid}: ${message}`, { job: uuid, outcome: 'failed', code });
    const job = await this.jobs.get(uuid);
    if (job && (await this.store.readStream(videoStream(uuid))).length > 0) {
      // Published by a run that got that far: the video is public, its files stay (a delete removes them).
      await this.jobs.update(uuid, { state: 'published', progress: 1, step: 'published', sourcePath: null, updatedAt: this.now().toISOString() });
      if (job.state !== 'published') this.finished(job, 'published');
      return;
    }
    await this.storage.removeVideoFiles(uuid);
    await Promise.all([job?.sourcePath ?? null, ...leftovers].map((path) => (path ? rm(path, { force: true }) : undefined)));
    await this.jobs.update(uuid, { state: 'failed', step: 'failed', errorCode: code, errorMessage: message, sourcePath: null, filePath: null, updatedAt: this.now().toISOString() });
    if (job && job.state === 'processing') this.finished(job, 'failed');
  }

  private finished(job: VideoJob, state: 'published' | 'failed'): void {
    this.events.publish(new VideoJobFinished(job.uuid, state, Math.max(0, (this.now().getTime() - Date.parse(job.createdAt)) / 1000)));
  }
}

function gone(): MediaError {
  return new MediaError('interrupted', 'the pod stopped while processing this video and its upload is gone');
}

/** Bad files, cancellations and refused events end a job; anything else is the pod's trouble, not the file's. */
function retryable(error: unknown): boolean {
  return !(error instanceof MediaError) && !(error instanceof ProblemError) && (error as Error)?.name !== 'AbortError';
}

/** Resolves true when `signal` aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(true);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(false);
    }, ms);
    // A job waiting to retry does not keep a stopping process alive: the next start resumes it.
    timer.unref();
    const onAbort = () => {
      clearTimeout(timer);
      resolve(true);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export type { VideoJob };

import { Inject, Injectable } from '@nestjs/common';
import type { OpenedEventStore } from '../../../../libs/event-store/src/index.js';
import { POD_ACTOR } from '../config/config.tokens.js';
import { EVENT_STORE } from '../event-log/event-log.tokens.js';
import { POD_LOGGER, type PodLogger } from '../logger/pod-logger.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { TrackerRegistry } from '../tracker/tracker-registry.js';
import { VideoJobs } from './processing/video-jobs.js';
import { VideoProcessing } from './processing/video-processing.js';
import { VideoStorage } from './video-storage.js';

/**
 * Opens the videos side once the read models are current (PodLifecycle): the tracker registry
 * comes from them. Interrupted jobs are resumed, and files that belong to no video (a crash
 * between an event and the file operation that follows it) are removed.
 */
@Injectable()
export class VideosStartup {
  constructor(
    @Inject(POD_ACTOR) private readonly actor: string,
    @Inject(EVENT_STORE) private readonly store: OpenedEventStore,
    private readonly projections: ProjectionRunner,
    private readonly storage: VideoStorage,
    private readonly jobs: VideoJobs,
    private readonly registry: TrackerRegistry,
    private readonly processing: VideoProcessing,
    @Inject(POD_LOGGER) private readonly logger: PodLogger,
  ) {}

  async open(): Promise<void> {
    const { store, storage, jobs, registry, processing, logger } = this;
    // The tracker registry loads from the read models, which may be rebuilding a long log at
    // start (~30k events/s on SQLite, so minutes for millions): wait as long as that takes.
    await this.projections.waitFor(await store.headPosition(), Number.POSITIVE_INFINITY);
    const { missingFiles } = await registry.load(store.readModels, this.actor);
    for (const uuid of missingFiles) logger.error(`video ${uuid} is published by this pod but its file or torrent is missing: it is neither tracked nor seeded`);

    const resumedSources = await processing.resumeInterrupted();
    await storage.removePartialUploads(resumedSources);
    const processingUuids = new Set((await jobs.inState('processing')).map((job) => job.uuid));
    for (const uuid of storage.uuidsOnDisk()) {
      if (!registry.hasVideo(uuid) && !processingUuids.has(uuid) && !missingFiles.includes(uuid)) await storage.removeVideoFiles(uuid);
    }
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { OpenedEventStore } from '@swarmtube/event-store';
import { EVENT_STORE } from '../event-log/event-log.tokens.js';
import { POD_LOGGER, type PodLogger } from '../logger/pod-logger.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { TrackerRegistry } from '../tracker/tracker-registry.js';
import { LocalVideos } from './local-videos.js';
import { reapLeftoverChildren, recordChildrenIn } from './media/child-processes.js';
import { VideoJobs } from './processing/video-jobs.js';
import { VideoProcessing } from './processing/video-processing.js';
import { VideoStorage } from './video-storage.js';

/**
 * Opens the videos side once the read models are current (PodLifecycle): the tracker registry
 * and the seeder follow the log from them (LocalVideos). Then what a crash left is dealt with, in
 * this order: ffmpeg/ffprobe of the previous run still running are killed, temporary files
 * and uploads no job owns are removed, files that belong to no video and no job (a crash
 * between an event and the file operation that follows it) are removed, and the
 * interrupted jobs go on from where their bytes are.
 */
@Injectable()
export class VideosStartup {
  constructor(
    @Inject(EVENT_STORE) private readonly store: OpenedEventStore,
    private readonly projections: ProjectionRunner,
    private readonly storage: VideoStorage,
    private readonly jobs: VideoJobs,
    private readonly registry: TrackerRegistry,
    private readonly local: LocalVideos,
    private readonly processing: VideoProcessing,
    @Inject(POD_LOGGER) private readonly logger: PodLogger,
  ) {}

  async open(): Promise<void> {
    const { store, storage, jobs, registry, processing, logger } = this;
    // The tracker registry loads from the read models, which may be rebuilding a long log at
    // start (~30k events/s on SQLite, so minutes for millions): wait as long as that takes.
    const head = await store.headPosition();
    await this.projections.waitFor(head, Number.POSITIVE_INFINITY);
    const { missingFiles } = await this.local.follow(store, store.readModels, head);
    for (const uuid of missingFiles) logger.error(`video ${uuid} is published by this pod but its file or torrent is missing: it is neither tracked nor seeded`);

    const reaped = reapLeftoverChildren(storage.childrenDir);
    if (reaped.length > 0) logger.warn(`killed ${reaped.length} ffmpeg/ffprobe process(es) left running by the previous run: ${reaped.join(', ')}`);
    recordChildrenIn(storage.childrenDir);
    await storage.removeTemporaries();
    await storage.removePartialUploads(await processing.ownedUploads());
    const processingUuids = new Set((await jobs.inState('processing')).map((job) => job.uuid));
    for (const uuid of storage.uuidsOnDisk()) {
      if (!registry.hasVideo(uuid) && !processingUuids.has(uuid) && !missingFiles.includes(uuid)) await storage.removeVideoFiles(uuid);
    }
    await processing.resumeInterrupted();
  }
}

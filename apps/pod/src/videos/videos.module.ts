import { Module } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { PodUrls } from '@swarmtube/contracts';
import type { OpenedEventStore } from '@swarmtube/event-store';
import { POD_ACTOR, POD_CONFIG } from '../config/config.tokens.js';
import type { PodConfig } from '../config/pod-config.js';
import { EventLog } from '../event-log/event-log.js';
import { EventLogModule } from '../event-log/event-log.module.js';
import { EVENT_STORE } from '../event-log/event-log.tokens.js';
import { ClientAddresses } from '../http/client-address.js';
import { POD_LOGGER, type PodLogger } from '../logger/pod-logger.js';
import { ProjectionsModule } from '../projections/projections.module.js';
import { PodTracker } from '../tracker/pod-tracker.js';
import { TrackerRegistry } from '../tracker/tracker-registry.js';
import { UsersModule } from '../users/users.module.js';
import { DeleteVideoHandler, UpdateVideoHandler } from './commands/change-video/change-video.handler.js';
import { ChangeVideoHttpController } from './commands/change-video/change-video.http.controller.js';
import { UploadVideoHandler } from './commands/upload-video/upload-video.handler.js';
import { UploadVideoHttpController } from './commands/upload-video/upload-video.http.controller.js';
import { ResumableUploadHttpController } from './commands/upload-video-resumable/resumable-upload.http.controller.js';
import { ResumableUploads } from './commands/upload-video-resumable/resumable-uploads.js';
import { CancelResumableUploadHandler, StartResumableUploadHandler } from './commands/upload-video-resumable/resumable-upload.handler.js';
import { LocalMediaFacts } from './local-media-facts.js';
import { LocalVideos } from './local-videos.js';
import { VideoJobs } from './processing/video-jobs.js';
import { VideoProcessing } from './processing/video-processing.js';
import { GetVideoHandler } from './queries/get-video/get-video.handler.js';
import { SearchVideosHandler } from './queries/search-videos/search-videos.handler.js';
import { VideosHttpController } from './queries/videos.http.controller.js';
import { seederIceServers } from './seeder-ice-servers.js';
import { VideoStorage } from './video-storage.js';
import { VideoViews } from './video-views.js';
import { VideosStartup } from './videos-startup.js';

/**
 * The pod's videos: the catalogue (read model), uploads and their processing jobs, the files,
 * and the swarm side: the tracker (tracker/) and the seeder (seeder/), both fed by LocalVideos,
 * one reaction to the log's VideoPublished and VideoDeleted.
 * VideosStartup opens it once the read models are current; PodLifecycle starts the tracker and
 * the seeder after the HTTP server listens.
 */
@Module({
  imports: [EventLogModule, ProjectionsModule, UsersModule],
  controllers: [UploadVideoHttpController, ResumableUploadHttpController, VideosHttpController, ChangeVideoHttpController],
  providers: [
    { provide: VideoStorage, inject: [POD_CONFIG], useFactory: (config: PodConfig) => new VideoStorage(config.dataDir, new PodUrls(config.publicUrl), config.port) },
    {
      provide: VideoJobs,
      inject: [EVENT_STORE],
      // Its table is made by the migrations (migrations/migrations.ts) when the store opens.
      useFactory: (store: OpenedEventStore) => new VideoJobs(store.readModels),
    },
    { provide: TrackerRegistry, useFactory: () => new TrackerRegistry() },
    { provide: PodTracker, inject: [TrackerRegistry, POD_CONFIG], useFactory: (registry: TrackerRegistry, config: PodConfig) => new PodTracker(registry, new ClientAddresses(config.trustedProxies)) },
    {
      provide: LocalVideos,
      inject: [TrackerRegistry, VideoStorage, POD_CONFIG, POD_LOGGER, POD_ACTOR],
      useFactory: (registry: TrackerRegistry, storage: VideoStorage, config: PodConfig, logger: PodLogger, actor: string) =>
        new LocalVideos(registry, storage, {
            peerPort: config.peerPort,
            uploadLimitBytesPerSecond: config.seeding.uploadLimitBytesPerSecond,
            superSeeding: config.seeding.superSeeding,
            publicUrl: config.publicUrl,
            ...seederIceServers(config),
          }, logger, actor),
    },
    {
      provide: VideoProcessing,
      inject: [VideoJobs, VideoStorage, EventLog, EVENT_STORE, LocalVideos, POD_LOGGER, EventBus],
      useFactory: (jobs: VideoJobs, storage: VideoStorage, eventLog: EventLog, store: OpenedEventStore, local: LocalVideos, logger: PodLogger, events: EventBus) =>
        new VideoProcessing(jobs, storage, eventLog, store, local, logger, events),
    },
    {
      provide: LocalMediaFacts,
      inject: [TrackerRegistry, VideoStorage, POD_LOGGER],
      useFactory: (registry: TrackerRegistry, storage: VideoStorage, logger: PodLogger) => new LocalMediaFacts(registry, storage, logger),
    },
    {
      provide: ResumableUploads,
      inject: [VideoStorage, POD_CONFIG, POD_LOGGER],
      useFactory: (storage: VideoStorage, config: PodConfig, logger: PodLogger) =>
        new ResumableUploads(storage.resumableUploadsDir, storage.uploadsDir, { ...config.uploads, expirySeconds: config.uploads.resumableExpirySeconds }, logger),
    },
    { provide: VideoViews, inject: [EVENT_STORE, POD_LOGGER], useFactory: (store: OpenedEventStore, logger: PodLogger) => new VideoViews(store.readModels, logger) },
    VideosStartup,
    UploadVideoHandler,
    StartResumableUploadHandler,
    CancelResumableUploadHandler,
    UpdateVideoHandler,
    DeleteVideoHandler,
    SearchVideosHandler,
    GetVideoHandler,
  ],
  exports: [ResumableUploads, VideoStorage, VideoJobs, TrackerRegistry, PodTracker, LocalVideos, VideoProcessing, LocalMediaFacts, VideosStartup],
})
export class VideosModule {}

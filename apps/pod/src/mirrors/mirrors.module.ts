import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { PodUrls } from '@swarmtube/contracts';
import type { OpenedEventStore } from '@swarmtube/event-store';
import { POD_ACTOR, POD_CONFIG } from '../config/config.tokens.js';
import type { PodConfig } from '../config/pod-config.js';
import { EventLog } from '../event-log/event-log.js';
import { EventLogModule } from '../event-log/event-log.module.js';
import { EVENT_STORE } from '../event-log/event-log.tokens.js';
import { FederationClient } from '../federation/federation-client.js';
import { FederationModule } from '../federation/federation.module.js';
import { POD_LOGGER, type PodLogger } from '../logger/pod-logger.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { ProjectionsModule } from '../projections/projections.module.js';
import { UsersModule } from '../users/users.module.js';
import { LocalVideos } from '../videos/local-videos.js';
import { VideoStorage } from '../videos/video-storage.js';
import { VideosModule } from '../videos/videos.module.js';
import { MirrorVideoHandler, UnmirrorVideoHandler } from './commands/mirror-video/mirror-video.handler.js';
import { MirrorVideoHttpController } from './commands/mirror-video/mirror-video.http.controller.js';
import { MirrorFetcher } from './mirror-fetcher.js';
import { MirrorService } from './mirror-service.js';
import { MirrorThumbnails } from './mirror-thumbnails.js';

/**
 * Mirrors: this pod's copies of other pods' videos, by policy (config `mirrors`) or an admin's
 * choice. The decisions are domain/mirror-policy.ts; MirrorService carries them out; the copies
 * are then tracked, seeded and served by the videos context (LocalVideos follows VideoMirrored
 * and VideoUnmirrored). PodLifecycle starts it once the pod listens.
 */
@Module({
  imports: [EventLogModule, FederationModule, ProjectionsModule, UsersModule, VideosModule],
  controllers: [MirrorVideoHttpController],
  providers: [
    {
      provide: MirrorService,
      inject: [POD_ACTOR, POD_CONFIG, EVENT_STORE, EventLog, ProjectionRunner, VideoStorage, POD_LOGGER, LocalVideos, FederationClient],
      useFactory: (
        actor: string,
        config: PodConfig,
        store: OpenedEventStore,
        eventLog: EventLog,
        projections: ProjectionRunner,
        storage: VideoStorage,
        logger: PodLogger,
        local: LocalVideos,
        client: FederationClient,
      ) =>
        new MirrorService(
          actor,
          config,
          store,
          eventLog,
          projections,
          storage,
          new PodUrls(config.publicUrl),
          new MirrorFetcher(join(config.dataDir, 'mirror-fetches'), logger),
          logger,
          local,
          new MirrorThumbnails(client, storage),
          client,
        ),
    },
    MirrorVideoHandler,
    UnmirrorVideoHandler,
  ],
  exports: [MirrorService],
})
export class MirrorsModule {}

import { Module } from '@nestjs/common';
import type { OpenedEventStore } from '@swarmtube/event-store';
import { POD_ACTOR } from '../config/config.tokens.js';
import { EventLogModule } from '../event-log/event-log.module.js';
import { EVENT_STORE } from '../event-log/event-log.tokens.js';
import { DeliveryService } from '../federation/delivery/delivery-service.js';
import { FederationClient } from '../federation/federation-client.js';
import { FederationModule } from '../federation/federation.module.js';
import { ReceiveActivities } from '../federation/inbox/receive-activities.js';
import { PeerDirectory } from '../federation/peer-directory.js';
import { HealthMonitor } from '../pods/health/health-monitor.js';
import { PodsModule } from '../pods/pods.module.js';
import { allProjections } from '../projections/all-projections.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { ProjectionsModule } from '../projections/projections.module.js';
import { LocalVideos } from '../videos/local-videos.js';
import { VideoJobs } from '../videos/processing/video-jobs.js';
import { VideosModule } from '../videos/videos.module.js';
import { PodTracker } from '../tracker/pod-tracker.js';
import { TrackerRegistry } from '../tracker/tracker-registry.js';
import { CountProjectionFailuresHandler } from './count-projection-failures.handler.js';
import { ObserveDeliveriesHandler } from './observe-deliveries.handler.js';
import { ObserveVideoJobsHandler } from './observe-video-jobs.handler.js';
import { MetricsHttpController } from './queries/scrape-metrics/scrape-metrics.http.controller.js';
import { ScrapeMetricsHandler } from './queries/scrape-metrics/scrape-metrics.handler.js';
import { PodMetrics } from './pod-metrics.js';

/**
 * `/metrics`: the log, the read models, HTTP, what the web seed and the seeder serve, the
 * tracker, the uploads' jobs, federation and the friends' health, for Prometheus
 * (docs/operations.md, "Metrics"; the names: metric-names.ts).
 */
@Module({
  imports: [EventLogModule, ProjectionsModule, FederationModule, PodsModule, VideosModule],
  controllers: [MetricsHttpController],
  providers: [
    {
      provide: PodMetrics,
      inject: [EVENT_STORE, POD_ACTOR, ProjectionRunner, HealthMonitor, PeerDirectory, DeliveryService, ReceiveActivities, FederationClient, TrackerRegistry, PodTracker, LocalVideos, VideoJobs],
      useFactory: (
        store: OpenedEventStore,
        actor: string,
        projections: ProjectionRunner,
        health: HealthMonitor,
        peers: PeerDirectory,
        delivery: DeliveryService,
        inbox: ReceiveActivities,
        client: FederationClient,
        registry: TrackerRegistry,
        tracker: PodTracker,
        local: LocalVideos,
        jobs: VideoJobs,
      ) => {
        const metrics = new PodMetrics(store, () => projections);
        metrics.trackProjections(allProjections(store.dialect).map((p) => p.name));
        metrics.trackHealth({
          peers: () => health.all(),
          refusedExpelled: () => peers.refusedExpelled,
          refusedUs: () => health.refusedUs.size,
          probes: () => health.probes,
        });
        metrics.trackFederation({
          ownHead: async () => (await store.originHead(actor))?.seq ?? 0,
          peers: () => delivery.peerStates(),
          rejectedEvents: () => inbox.rejectedEvents,
          deliveryRequests: () => delivery.requests,
          signatures: () => client.signatures,
        });
        metrics.trackServing({
          served: registry.served,
          tracker: () => tracker.tracker.stats(),
          seeder: () => local.stats(),
          jobs: () => jobs.countByState(),
        });
        return metrics;
      },
    },
    CountProjectionFailuresHandler,
    ObserveDeliveriesHandler,
    ObserveVideoJobsHandler,
    ScrapeMetricsHandler,
  ],
  exports: [PodMetrics],
})
export class MetricsModule {}

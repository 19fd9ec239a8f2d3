import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { EventBus } from '@nestjs/cqrs';
import type { PodKeys } from '@swarmtube/event-envelope';
import type { OpenedEventStore } from '@swarmtube/event-store';
import { POD_ACTOR, POD_CONFIG } from '../config/config.tokens.js';
import type { PodConfig } from '../config/pod-config.js';
import { EventLog } from '../event-log/event-log.js';
import { EventLogModule } from '../event-log/event-log.module.js';
import { EVENT_STORE, POD_KEYS } from '../event-log/event-log.tokens.js';
import { POD_LOGGER, type PodLogger } from '../logger/pod-logger.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { ProjectionsModule } from '../projections/projections.module.js';
import { UsersModule } from '../users/users.module.js';
import { VideosModule } from '../videos/videos.module.js';
import { DeliveryService } from './delivery/delivery-service.js';
import { RetryReachableFriendHandler } from './delivery/retry-reachable-friend.handler.js';
import { DiscoveryHttpController } from './discovery/discovery.http.controller.js';
import { ExpelledPodGuard } from './expelled-pod.guard.js';
import { FederationClient } from './federation-client.js';
import { InboxHttpController } from './inbox/inbox.http.controller.js';
import { ReceiveActivities } from './inbox/receive-activities.js';
import { ReceiveActivitiesHandler } from './inbox/receive-activities.handler.js';
import { GetActorHandler } from './discovery/get-actor/get-actor.handler.js';
import { GetNodeInfoHandler, GetNodeInfoLinksHandler } from './discovery/nodeinfo/nodeinfo.handler.js';
import { WebFingerHandler } from './discovery/webfinger/webfinger.handler.js';
import { GetOutboxHandler } from './outbox/get-outbox/get-outbox.handler.js';
import { ListOriginsHandler, ReadOriginEventsHandler } from './outbox/read-origin-events/read-origin-events.handler.js';
import { GetVideoObjectHandler } from './videos/get-video-object/get-video-object.handler.js';
import { FederationEventsHttpController } from './outbox/federation-events.http.controller.js';
import { OutboxHttpController } from './outbox/outbox.http.controller.js';
import { PeerDirectory } from './peer-directory.js';
import { PullService } from './pull/pull-service.js';
import { VideoObjectHttpController } from './videos/video-object.http.controller.js';

/** The federation services' logger: the pod's, its lines tagged `context: "federation"`. */
export const FEDERATION_LOG = Symbol('FederationLog');

/**
 * Pod to pod: signed requests out (FederationClient), push (delivery), pull, the inbox, the
 * outbox and discovery, and the guard that turns expelled pods away on every route.
 * Started by PodLifecycle once the HTTP server listens: peers answer by calling back.
 */
@Module({
  imports: [EventLogModule, ProjectionsModule, UsersModule, VideosModule],
  controllers: [InboxHttpController, OutboxHttpController, FederationEventsHttpController, DiscoveryHttpController, VideoObjectHttpController],
  providers: [
    { provide: FEDERATION_LOG, inject: [POD_LOGGER], useFactory: (logger: PodLogger) => logger.child({ context: 'federation' }) },
    {
      provide: FederationClient,
      inject: [POD_CONFIG, POD_ACTOR, POD_KEYS],
      useFactory: (config: PodConfig, actor: string, keys: PodKeys) =>
        new FederationClient(`${actor}#main-key`, keys.rsa.privateKey, { allowPrivateAddresses: config.federation.allowPrivateAddresses }),
    },
    { provide: PeerDirectory, inject: [EVENT_STORE, POD_ACTOR], useFactory: (store: OpenedEventStore, actor: string) => new PeerDirectory(store.readModels, actor) },
    {
      provide: PullService,
      inject: [EVENT_STORE, EventLog, FederationClient, PeerDirectory, FEDERATION_LOG],
      useFactory: (store: OpenedEventStore, eventLog: EventLog, client: FederationClient, peers: PeerDirectory, log: PodLogger) =>
        new PullService(store, eventLog, client, peers, log),
    },
    {
      provide: DeliveryService,
      inject: [EVENT_STORE, ProjectionRunner, PeerDirectory, FederationClient, POD_ACTOR, FEDERATION_LOG, EventBus],
      // The cursors' table (fed_deliveries) is made by the migrations when the store opens.
      useFactory: (store: OpenedEventStore, projections: ProjectionRunner, peers: PeerDirectory, client: FederationClient, actor: string, log: PodLogger, events: EventBus) =>
        new DeliveryService(store, store.readModels, projections, peers, client, actor, log, events),
    },
    {
      provide: ReceiveActivities,
      inject: [EventLog, PeerDirectory, FederationClient, PullService, POD_ACTOR, EventBus, FEDERATION_LOG],
      useFactory: (eventLog: EventLog, peers: PeerDirectory, client: FederationClient, pulls: PullService, actor: string, events: EventBus, log: PodLogger) =>
        new ReceiveActivities(eventLog, peers, client, pulls, actor, events, log),
    },
    ReceiveActivitiesHandler,
    RetryReachableFriendHandler,
    GetActorHandler,
    WebFingerHandler,
    GetNodeInfoLinksHandler,
    GetNodeInfoHandler,
    GetOutboxHandler,
    ListOriginsHandler,
    ReadOriginEventsHandler,
    GetVideoObjectHandler,
    // Signed requests of expelled pods: 403 pod-expelled on every route.
    { provide: APP_GUARD, useClass: ExpelledPodGuard },
  ],
  exports: [FederationClient, PeerDirectory, PullService, DeliveryService, ReceiveActivities, FEDERATION_LOG],
})
export class FederationModule {}

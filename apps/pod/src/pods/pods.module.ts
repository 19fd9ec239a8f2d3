import { Module } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import type { OpenedEventStore } from '@swarmtube/event-store';
import { POD_ACTOR, POD_CONFIG } from '../config/config.tokens.js';
import type { PodConfig } from '../config/pod-config.js';
import { EventLog } from '../event-log/event-log.js';
import { EventLogModule } from '../event-log/event-log.module.js';
import { EVENT_STORE } from '../event-log/event-log.tokens.js';
import { FederationClient } from '../federation/federation-client.js';
import { FEDERATION_LOG, FederationModule } from '../federation/federation.module.js';
import { PeerDirectory } from '../federation/peer-directory.js';
import { PullService } from '../federation/pull/pull-service.js';
import { POD_LOGGER, type PodLogger } from '../logger/pod-logger.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { ProjectionsModule } from '../projections/projections.module.js';
import { UsersModule } from '../users/users.module.js';
import { AnnouncePodHandler } from './commands/announce-pod/announce-pod.handler.js';
import { PodVotes } from './commands/vote/pod-votes.js';
import { VotesHttpController } from './commands/vote/votes.http.controller.js';
import { HealthMonitor } from './health/health-monitor.js';
import { ObserveDeliveryHandler } from './health/observe-delivery.handler.js';
import { Membership } from './membership.js';
import { PodsHttpController } from './pods.http.controller.js';
import { ConfigHttpController } from './queries/get-pod-config/get-pod-config.http.controller.js';
import { GetPodConfigHandler } from './queries/get-pod-config/get-pod-config.handler.js';
import { ListPodsHandler } from './queries/list-pods/list-pods.handler.js';
import { GetBallotHandler } from './queries/get-ballot/get-ballot.handler.js';
import { MakeFriendsHandler } from './commands/make-friends/make-friends.handler.js';
import { QuitFriendsHandler } from './commands/quit-friends/quit-friends.handler.js';
import { AnswerFriendshipHandler } from './commands/answer-friendship/answer-friendship.handler.js';
import { RemoveFriendHandler } from './commands/remove-friend/remove-friend.handler.js';
import { CastVoteHandler } from './commands/vote/cast-vote.handler.js';
import { WithdrawVoteHandler } from './commands/vote/withdraw-vote.handler.js';
import { ReactToForeignEventsHandler } from './reactions/react-to-foreign-events.handler.js';
import { ReactToMembershipOutcomeHandler } from './reactions/react-to-membership-outcome.handler.js';

/** Waits until every read model holds the log's current head: decisions read them. */
export const WAIT_FOR_READ_MODELS = Symbol('WaitForReadModels');

/**
 * The network as this pod takes part in it: friendships (Membership), expulsion and
 * readmission votes (PodVotes), and the health of the friends (HealthMonitor).
 */
@Module({
  imports: [EventLogModule, ProjectionsModule, FederationModule, UsersModule],
  controllers: [PodsHttpController, VotesHttpController, ConfigHttpController],
  providers: [
    {
      provide: WAIT_FOR_READ_MODELS,
      inject: [EVENT_STORE, ProjectionRunner],
      useFactory: (store: OpenedEventStore, projections: ProjectionRunner) => async () => projections.waitFor(await store.headPosition()),
    },
    {
      provide: PodVotes,
      inject: [POD_ACTOR, POD_CONFIG, EventLog, EVENT_STORE, WAIT_FOR_READ_MODELS, POD_LOGGER, EventBus],
      useFactory: (actor: string, config: PodConfig, eventLog: EventLog, store: OpenedEventStore, waitForReadModels: () => Promise<void>, logger: PodLogger, events: EventBus) =>
        new PodVotes(actor, config.host, eventLog, store, store.readModels, waitForReadModels, logger.child({ context: 'membership' }), events),
    },
    {
      provide: HealthMonitor,
      inject: [POD_CONFIG, PeerDirectory, FederationClient, EVENT_STORE, FEDERATION_LOG, PodVotes, EventBus],
      // Loads the saved scores: before the pod serves GET /api/v1/pods.
      useFactory: async (config: PodConfig, peers: PeerDirectory, client: FederationClient, store: OpenedEventStore, log: PodLogger, votes: PodVotes, events: EventBus) => {
        const health = new HealthMonitor(config.health, peers, client, store.readModels, (message, fields) => log.warn(message, fields), votes, events);
        await health.init();
        return health;
      },
    },
    {
      provide: Membership,
      inject: [POD_CONFIG, POD_ACTOR, EventLog, EVENT_STORE, PeerDirectory, FederationClient, PullService, WAIT_FOR_READ_MODELS, HealthMonitor],
      useFactory: (
        config: PodConfig,
        actor: string,
        eventLog: EventLog,
        store: OpenedEventStore,
        peers: PeerDirectory,
        client: FederationClient,
        pulls: PullService,
        waitForReadModels: () => Promise<void>,
        health: HealthMonitor,
      ) => new Membership(config, actor, eventLog, store, store.readModels, peers, client, pulls, waitForReadModels, health),
    },
    ReactToForeignEventsHandler,
    ReactToMembershipOutcomeHandler,
    ObserveDeliveryHandler,
    AnnouncePodHandler,
    ListPodsHandler,
    MakeFriendsHandler,
    QuitFriendsHandler,
    AnswerFriendshipHandler,
    RemoveFriendHandler,
    GetBallotHandler,
    CastVoteHandler,
    WithdrawVoteHandler,
    GetPodConfigHandler,
  ],
  exports: [Membership, PodVotes, HealthMonitor, WAIT_FOR_READ_MODELS],
})
export class PodsModule {}

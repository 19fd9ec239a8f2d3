import { join } from 'node:path';
import type { Server as HttpServer, ServerResponse } from 'node:http';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { PodKeys } from '@swarmtube/event-envelope';
import type { OpenedEventStore } from '@swarmtube/event-store';
import { POD_ACTOR, POD_CONFIG } from './config/config.tokens.js';
import type { PodConfig } from './config/pod-config.js';
import { DATA_LOCK, EVENT_STORE, POD_KEYS } from './event-log/event-log.tokens.js';
import type { DataLock } from './migrations/data-lock.js';
import { ServingState } from './health/serving-state.js';
import { DeliveryService } from './federation/delivery/delivery-service.js';
import { FederationClient } from './federation/federation-client.js';
import { PullService } from './federation/pull/pull-service.js';
import { POD_LOGGER, type PodLogger } from './logger/pod-logger.js';
import { AnnouncePodCommand } from './pods/commands/announce-pod/announce-pod.command.js';
import { PodVotes } from './pods/commands/vote/pod-votes.js';
import { HealthMonitor } from './pods/health/health-monitor.js';
import { Membership } from './pods/membership.js';
import { ProjectionRunner } from './projections/projection-runner.js';
import { PodTracker } from './tracker/pod-tracker.js';
import { LocalVideos } from './videos/local-videos.js';
import { VideosStartup } from './videos/videos-startup.js';

/**
 * The pod's start and stop, in the one order that works (the providers themselves open the
 * store, the keys and the tables when Nest builds them):
 * - at bootstrap: announce the pod (PodJoined), catch the read models up, open the videos;
 * - once HTTP listens (startServing): the tracker, then the seeder (a torrent announced before
 *   its tracker listens is not announced again for long); then federation (startFederation),
 *   since peers answer by calling back;
 * - stop: the seeder, the tracker, federation, the read models, the store, the data lock.
 */
@Injectable()
export class PodLifecycle implements OnApplicationBootstrap {
  private server: HttpServer | undefined;
  private closing = false;

  constructor(
    @Inject(POD_CONFIG) private readonly config: PodConfig,
    @Inject(POD_ACTOR) private readonly actor: string,
    @Inject(POD_KEYS) private readonly keys: PodKeys,
    @Inject(EVENT_STORE) private readonly store: OpenedEventStore,
    @Inject(DATA_LOCK) private readonly lock: DataLock,
    private readonly commands: CommandBus,
    private readonly projections: ProjectionRunner,
    private readonly videos: VideosStartup,
    private readonly tracker: PodTracker,
    private readonly local: LocalVideos,
    private readonly client: FederationClient,
    private readonly delivery: DeliveryService,
    private readonly pulls: PullService,
    private readonly health: HealthMonitor,
    private readonly votes: PodVotes,
    private readonly membership: Membership,
    private readonly state: ServingState,
    @Inject(POD_LOGGER) private readonly logger: PodLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      const { config, keys } = this;
      await this.commands.execute(
        new AnnouncePodCommand(
          { actor: this.actor, host: config.host, name: config.name, ed25519Multibase: keys.ed25519.publicKeyMultibase, rsaPublicKeyPem: keys.rsa.publicKeyPem },
          join(config.dataDir, 'keys'),
        ),
      );
      await this.projections.start();
    } catch (error) {
      await this.projections.stop();
      await this.store.close();
      await this.lock.release();
      throw error;
    }
  }

  /**
   * Waits for the read models to catch up with the log (a rebuild of a long log takes minutes),
   * then opens the videos on them (tracker registry, interrupted jobs). With HTTP this runs
   * after listen, so /livez answers and /readyz says 503 meanwhile.
   */
  async catchUp(): Promise<void> {
    try {
      await this.videos.open();
      this.state.caughtUp = true;
    } catch (error) {
      await this.projections.stop();
      await this.store.close();
      await this.lock.release();
      throw error;
    }
  }

  /**
   * Once the HTTP server listens on `port`: the read models caught up (catchUp), then the
   * tracker's WebSocket and UDP sides and the seeder (a torrent announced before its tracker
   * listens is not announced again for long).
   */
  async startServing(server: HttpServer, port: number): Promise<void> {
    // Once stopping, answer every request with `Connection: close`: peers probe and deliver
    // over keep-alive connections, and Node's server.close() keeps serving a connection that
    // had a request in flight for as long as its client keeps reusing it (for ever, with
    // probes every 100 ms).
    server.prependListener('request', (_request, response: ServerResponse) => {
      if (this.closing) response.shouldKeepAlive = false;
    });
    this.server = server;
    await this.catchUp();
    await this.tracker.listen(server, { port, host: this.config.listen });
    this.state.trackerListening = true;
    await this.local.startSeeding();
    this.state.seederStarted = true;
  }

  /** Push and pull: after the HTTP server listens, since peers answer by calling back. */
  async startFederation(): Promise<void> {
    await this.delivery.start();
    this.pulls.start(this.config.federation.pullIntervalSeconds);
    this.health.start();
    // A quorum reached while this pod was down (votes received, outcome not recorded yet).
    void this.votes.recordDueOutcomes().catch((error) => this.logger.warn(`votes: ${(error as Error).message}`));
    // Requests received while this pod was down, or whose answer failed before it stopped.
    void this.membership.acceptPendingRequests().catch((error) => this.logger.warn(`[membership] cannot answer friendship requests (tried again shortly): ${(error as Error).message}`));
  }

  /**
   * The seeder (it announces `stopped` while the tracker still listens), then the tracker's
   * WebSocket peers: an open WebSocket would keep the HTTP server from closing.
   */
  async stopServing(): Promise<void> {
    this.closing = true;
    this.state.stopping = true;
    this.server?.closeIdleConnections();
    this.membership.stop();
    await this.health.stop();
    await this.local.close();
    await this.tracker.close();
  }

  async close(): Promise<void> {
    await this.stopServing();
    this.pulls.stop();
    await this.delivery.stop();
    await this.client.close();
    await this.projections.stop();
    await this.store.close();
    await this.lock.release();
  }
}

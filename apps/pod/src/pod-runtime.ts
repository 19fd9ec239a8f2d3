import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createEnvelopeSealer } from '../../../libs/event-envelope/src/sealer.js';
import { loadOrCreatePodKeys, type PodKeys } from '../../../libs/event-envelope/src/keys.js';
import { openEventStore, type OpenedEventStore } from '../../../libs/event-store/src/index.js';
import { actorUrl, type PodConfig } from './config/pod-config.js';
import { EventLog } from './event-log/event-log.js';
import { PodMetrics } from './metrics/pod-metrics.js';
import { announcePod } from './pods/commands/announce-pod.js';
import { allProjections } from './projections/all-projections.js';
import { ProjectionRunner } from './projections/projection-runner.js';
import { ensureAdminPassword, type AdminPassword } from './users/admin-password.js';
import { LocalAccounts } from './users/local-accounts.js';
import { DeliveryService } from './federation/delivery/delivery-service.js';
import { ensureDeliveryTables } from './federation/delivery/delivery-tables.js';
import { FederationClient } from './federation/federation-client.js';
import { ReceiveActivities } from './federation/inbox/receive-activities.js';
import { PeerDirectory } from './federation/peer-directory.js';
import { PullService } from './federation/pull/pull-service.js';
import { Membership } from './pods/membership.js';
import { PodVotes } from './pods/commands/vote/pod-votes.js';
import { HealthMonitor } from './pods/health/health-monitor.js';
import type { Server as HttpServer, ServerResponse } from 'node:http';
import { openVideos, type VideosContext } from './videos/videos-context.js';

export interface PodLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/**
 * The pod's core, built before Nest: keys, log, read models and metrics. Tests and the
 * audit open it without HTTP; main.ts wraps it in the Nest application.
 */
export class PodRuntime {
  private server: HttpServer | undefined;
  private closing = false;

  private constructor(
    readonly config: PodConfig,
    readonly actor: string,
    readonly keys: PodKeys,
    readonly store: OpenedEventStore,
    readonly eventLog: EventLog,
    readonly projections: ProjectionRunner,
    readonly metrics: PodMetrics,
    readonly adminPassword: AdminPassword,
    readonly accounts: LocalAccounts,
    readonly federation: Federation,
    readonly videos: VideosContext,
    private readonly logger: PodLogger,
  ) {}

  static async open(config: PodConfig, logger: PodLogger = console, env: NodeJS.ProcessEnv = process.env): Promise<PodRuntime> {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    const actor = actorUrl(config);
    const keys = await loadOrCreatePodKeys(config.dataDir);
    const sealer = createEnvelopeSealer({ origin: actor, privateKey: keys.ed25519.privateKey });
    const store = await openEventStore({ database: config.database, dataDir: config.dataDir, schema: config.databaseSchema, sealer });
    try {
      const eventLog = new EventLog(store, actor);
      let runner: ProjectionRunner | undefined;
      const metrics = new PodMetrics(store, () => runner);
      const projections = allProjections(store.dialect);
      metrics.trackProjections(projections.map((p) => p.name));
      runner = new ProjectionRunner(store, store.readModels, projections, {
        onFailure: (projection, event, error) => {
          metrics.projectionFailures.inc({ projection });
          logger.error(`projection ${projection} parked event ${event.position} (${event.event.type} ${event.event.id}): ${String(error)}`);
        },
      });
      await announcePod(store, eventLog, {
        actor,
        host: config.host,
        name: config.name,
        ed25519Multibase: keys.ed25519.publicKeyMultibase,
        rsaPublicKeyPem: keys.rsa.publicKeyPem,
      }, join(config.dataDir, 'keys'));
      await runner.start();
      const adminPassword = ensureAdminPassword(config.dataDir, env);
      const accounts = new LocalAccounts(store.readModels);
      await accounts.init(adminPassword.password);
      await ensureDeliveryTables(store.readModels);
      const federation = createFederation(config, actor, keys, store, eventLog, runner, logger);
      await federation.health.init();
      metrics.trackHealth({
        peers: () => federation.health.all(),
        refusedExpelled: () => federation.peers.refusedExpelled,
        refusedUs: () => federation.health.refusedUs.size,
        probes: () => federation.health.probes,
      });
      metrics.trackFederation({
        ownHead: async () => (await store.originHead(actor))?.seq ?? 0,
        peers: () => federation.delivery.peerStates(),
        rejectedEvents: () => federation.inbox.rejectedEvents,
        deliveryRequests: () => federation.delivery.requests,
        signatures: () => federation.client.signatures,
      });
      const videos = await openVideos(config, actor, store, eventLog, runner, logger);
      return new PodRuntime(config, actor, keys, store, eventLog, runner, metrics, adminPassword, accounts, federation, videos, logger);
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  /**
   * The tracker's WebSocket and UDP sides and the seeder, once the HTTP server listens on
   * `port`: a torrent announced before its tracker listens is not announced again for long.
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
    await this.videos.tracker.listen(server, { port, host: this.config.listen });
    await this.videos.local.startSeeding();
  }

  /** Push and pull: after the HTTP server listens, since peers answer by calling back. */
  async startFederation(): Promise<void> {
    await this.federation.delivery.start();
    this.federation.pulls.start(this.config.federation.pullIntervalSeconds);
    this.federation.health.start();
    // A quorum reached while this pod was down (votes received, outcome not recorded yet).
    void this.federation.votes.recordDueOutcomes().catch((error) => this.logger.warn(`votes: ${(error as Error).message}`));
  }

  /** Nothing being delivered, pulled or projected right now: for tests that wait for quiescence. */
  async idle(): Promise<boolean> {
    const head = await this.store.headPosition();
    return (
      !this.videos.processing.busy &&
      !this.federation.votes.busy &&
      !(await this.federation.delivery.busy()) &&
      !this.federation.pulls.busy &&
      this.projections.status().every((s) => s.checkpoint >= head)
    );
  }

  /**
   * The seeder (it announces `stopped` while the tracker still listens), then the tracker's
   * WebSocket peers: an open WebSocket would keep the HTTP server from closing.
   */
  async stopServing(): Promise<void> {
    this.closing = true;
    this.server?.closeIdleConnections();
    await this.federation.health.stop();
    await this.videos.local.close();
    await this.videos.tracker.close();
  }

  async close(): Promise<void> {
    await this.stopServing();
    this.federation.pulls.stop();
    await this.federation.delivery.stop();
    await this.federation.client.close();
    await this.projections.stop();
    await this.store.close();
  }
}

export interface Federation {
  client: FederationClient;
  peers: PeerDirectory;
  pulls: PullService;
  delivery: DeliveryService;
  inbox: ReceiveActivities;
  membership: Membership;
  votes: PodVotes;
  health: HealthMonitor;
}

function createFederation(
  config: PodConfig,
  actor: string,
  keys: PodKeys,
  store: OpenedEventStore,
  eventLog: EventLog,
  projections: ProjectionRunner,
  logger: PodLogger,
): Federation {
  const log = (message: string) => logger.warn(`[federation] ${message}`);
  const client = new FederationClient(`${actor}#main-key`, keys.rsa.privateKey, { allowPrivateAddresses: config.federation.allowPrivateAddresses });
  const peers = new PeerDirectory(store.readModels, actor);
  const pulls = new PullService(store, eventLog, client, peers, log);
  const delivery = new DeliveryService(store, store.readModels, projections, peers, client, actor, log);
  const inbox = new ReceiveActivities(eventLog, peers, client, pulls, actor);
  const waitForReadModels = async () => projections.waitFor(await store.headPosition());
  const membership = new Membership(config, actor, eventLog, store, store.readModels, peers, client, pulls, waitForReadModels);
  const votes = new PodVotes(actor, config.host, eventLog, store, store.readModels, waitForReadModels, (message) => logger.log(`[membership] ${message}`));
  const health = new HealthMonitor(config.health, peers, client, store.readModels, log);
  health.voter = votes;
  membership.health = health;
  delivery.onOutcome = (peer, outcome) => health.observeDelivery(peer, outcome);
  inbox.onPeerOutcome = (peer, outcome) => health.observeDelivery(peer, outcome);
  health.onReachable = (peer) => delivery.peerIsBack(peer);
  votes.onOutcome = (target, type) => {
    if (type === 'PodReadmitted') {
      health.reset(target);
      delivery.retryNow(target === actor ? undefined : target);
      // Readmitted: catch up with what the network did meanwhile.
      if (target === actor) void pulls.pullFromFriends();
    } else if (target === actor) {
      logger.warn(`[membership] this pod was expelled from its network`);
    }
  };
  eventLog.onForeignAppended = async (events) => {
    await membership.onForeignEvents(events);
    votes.onForeignEvents(events);
  };
  return { client, peers, pulls, delivery, inbox, membership, votes, health };
}

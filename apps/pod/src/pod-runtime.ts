import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createEnvelopeSealer } from '../../../libs/event-envelope/src/sealer.js';
import { loadOrCreatePodKeys, type PodKeys } from '../../../libs/event-envelope/src/keys.js';
import { openEventStore, type OpenedEventStore } from '../../../libs/event-store/src/index.js';
import { actorUrl, type PodConfig } from './config/pod-config.js';
import { EventLog } from './event-log/event-log.js';
import { PodMetrics } from './metrics/pod-metrics.js';
import { announcePod } from './pods/commands/announce-pod.js';
import { ALL_PROJECTIONS } from './projections/all-projections.js';
import { ProjectionRunner } from './projections/projection-runner.js';
import { ensureAdminPassword, type AdminPassword } from './users/admin-password.js';
import { LocalAccounts } from './users/local-accounts.js';

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
  ) {}

  static async open(config: PodConfig, logger: PodLogger = console, env: NodeJS.ProcessEnv = process.env): Promise<PodRuntime> {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    const actor = actorUrl(config);
    const keys = await loadOrCreatePodKeys(config.dataDir);
    const sealer = createEnvelopeSealer({ origin: actor, privateKey: keys.ed25519.privateKey });
    const store = await openEventStore({ database: config.database, dataDir: config.dataDir, schema: config.databaseSchema, sealer });
    try {
      const eventLog = new EventLog(store);
      let runner: ProjectionRunner | undefined;
      const metrics = new PodMetrics(store, () => runner);
      metrics.trackProjections(ALL_PROJECTIONS.map((p) => p.name));
      runner = new ProjectionRunner(store, store.readModels, ALL_PROJECTIONS, {
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
      return new PodRuntime(config, actor, keys, store, eventLog, runner, metrics, adminPassword, accounts);
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.projections.stop();
    await this.store.close();
  }
}

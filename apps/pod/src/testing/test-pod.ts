import 'reflect-metadata';
import type { INestApplicationContext, Type } from '@nestjs/common';
import type { PodKeys } from '@swarmtube/event-envelope';
import type { OpenedEventStore } from '@swarmtube/event-store';
import { freePort } from '@swarmtube/testing';
import { TEST_POSTGRES_URL, dropSchema, tempDir, uniqueSchema } from '@swarmtube/testing';
import { actorUrl, loadPodConfig, type PodConfig } from '../config/pod-config.js';
import { EVENT_STORE, POD_KEYS } from '../event-log/event-log.tokens.js';
import { PodLog } from '../logger/pod-log.js';
import { openPod, type OpenedPod } from '../pod-app.js';
import { LocalAccounts } from '../users/local-accounts.js';

export type TestDatabase = 'sqlite' | 'postgres';

export interface TestPodOptions {
  database?: TestDatabase;
  dataDir?: string;
  schema?: string;
  /** Start the HTTP side too (on a free loopback port). */
  http?: boolean;
  /** The pod's public host, so that several test pods are distinct origins. */
  host?: string;
  /**
   * With http: listen on a port chosen free beforehand and make the host `127.0.0.1:PORT`,
   * so that the pod's actor URL reaches it (pods that federate with each other). Wins over `host`.
   */
  reachableHost?: boolean;
  /** More configuration, as SWARMTUBE_* variables (they win over the defaults above). */
  env?: NodeJS.ProcessEnv;
  /**
   * Where the pod's log lines go (each a string: a JSON line, or a readable one with
   * SWARMTUBE_LOG_FORMAT=pretty), at `log.level`; without it the pod logs nothing.
   */
  logSink?: { write(line: string): void };
}

/**
 * One pod in this process. Its parts are the Nest providers of its contexts: `pod.get(EventLog)`,
 * `pod.get(Membership)`…; the log itself is `pod.store`.
 */
export interface TestPod {
  config: PodConfig;
  /** The pod's actor URL. */
  actor: string;
  app: INestApplicationContext;
  /** A provider of the pod (Nest's app.get). */
  get<T>(type: Type<T>): T;
  /** The event store and its read-model database. */
  store: OpenedEventStore;
  keys: PodKeys;
  /** With http: the port it listens on. */
  port: number | null;
  /** Nothing being delivered, pulled or projected right now. */
  idle(): Promise<boolean>;
  /** Push, pull and health probes (needs http). */
  startFederation(): Promise<void>;
  /** http://127.0.0.1:PORT when http is on. */
  baseUrl: string;
  /** A bearer token of the root admin (needs http). */
  adminToken(): Promise<string>;
  /** Stops the pod and keeps its data (to restart it). */
  stop(): Promise<void>;
  /** Stops the pod and deletes its data. */
  destroy(): Promise<void>;
}

export const TEST_ADMIN_PASSWORD = 'test-admin-password';

/** One pod in this process, on a temp data folder (SQLite) or a fresh PostgreSQL schema. */
export async function startTestPod(options: TestPodOptions = {}): Promise<TestPod> {
  const database = options.database ?? 'sqlite';
  const dir = options.dataDir ? { path: options.dataDir, remove() {} } : tempDir('swarmtube-pod-');
  const schema = options.schema ?? (database === 'postgres' ? uniqueSchema('pod') : 'public');
  const port = options.http && options.reachableHost ? await freePort() : 0;
  const env: NodeJS.ProcessEnv = {
    SWARMTUBE_DATA_DIR: dir.path,
    SWARMTUBE_PORT: String(port),
    SWARMTUBE_PEER_PORT: String(await freePort()),
    SWARMTUBE_HOST: port !== 0 ? `127.0.0.1:${port}` : (options.host ?? 'localhost:9999'),
    SWARMTUBE_NAME: 'Test pod',
    SWARMTUBE_DATABASE: database === 'sqlite' ? 'sqlite' : TEST_POSTGRES_URL,
    SWARMTUBE_DATABASE_SCHEMA: schema,
    // Several PostgreSQL pods per spec file, two files at a time, within PostgreSQL's 100 connections.
    SWARMTUBE_DATABASE_POOL_SIZE: '6',
    SWARMTUBE_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    // Test pods federate on 127.0.0.1.
    SWARMTUBE_FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true',
    ...options.env,
  };
  const config = loadPodConfig({ env });
  const logger = options.logSink ? PodLog.open(config.log, { destination: options.logSink, pod: config.host }) : PodLog.silent();
  const pod: OpenedPod = await openPod(config, { http: options.http, logger, env });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await pod.close();
  };
  return {
    config,
    actor: actorUrl(config),
    app: pod.app,
    get: <T>(type: Type<T>) => pod.app.get(type),
    store: pod.app.get<OpenedEventStore>(EVENT_STORE),
    keys: pod.app.get<PodKeys>(POD_KEYS),
    port: pod.port,
    idle: () => pod.idle(),
    startFederation: () => pod.startFederation(),
    baseUrl: pod.port !== null ? `http://127.0.0.1:${pod.port}` : '',
    async adminToken() {
      const token = await pod.app.get(LocalAccounts).issueToken('root', TEST_ADMIN_PASSWORD);
      return token!.access_token;
    },
    stop,
    async destroy() {
      await stop();
      if (!options.dataDir) dir.remove();
      if (database === 'postgres' && !options.schema) await dropSchema(schema);
    },
  };
}

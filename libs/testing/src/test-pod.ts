import 'reflect-metadata';
import { loadPodConfig, type PodConfig } from '../../../apps/pod/src/config/pod-config.js';
import { startPodApp, type RunningPod } from '../../../apps/pod/src/pod-app.js';
import { PodRuntime } from '../../../apps/pod/src/pod-runtime.js';
import { freePort } from './pod-process.js';
import { TEST_POSTGRES_URL, dropSchema, tempDir, uniqueSchema } from './test-databases.js';

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
}

export interface TestPod {
  config: PodConfig;
  runtime: PodRuntime;
  http?: RunningPod;
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

const quietLogger = { log() {}, warn() {}, error() {} };

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
    SWARMTUBE_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    // Test pods federate on 127.0.0.1.
    SWARMTUBE_FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true',
    ...options.env,
  };
  const config = loadPodConfig({ env });
  const runtime = await PodRuntime.open(config, quietLogger, env);
  const http = options.http ? await startPodApp(runtime, { logger: false }) : undefined;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (http) await http.close();
    else await runtime.close();
  };
  return {
    config,
    runtime,
    http,
    baseUrl: http ? `http://127.0.0.1:${http.port}` : '',
    async adminToken() {
      const token = await runtime.accounts.issueToken('root', TEST_ADMIN_PASSWORD);
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

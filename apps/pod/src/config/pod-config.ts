import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

/**
 * A pod's configuration: YAML file < SWARMTUBE_<KEY> environment variables < DATABASE_URL.
 * Every key has a default, so an empty file (or none) starts a working pod on localhost:9000.
 */
export interface PodConfig {
  name: string;
  /** Public host[:port]; the actor is http://HOST/federation/actor. */
  host: string;
  port: number;
  /** Address the HTTP server binds to. */
  listen: string;
  peerPort: number;
  dataDir: string;
  /** `sqlite` (a file in dataDir) or a postgres:// URL. */
  database: string;
  /** PostgreSQL schema of this pod, so several pods can share one database. */
  databaseSchema: string;
  seeds: string[];
  friends: { autoAccept: boolean };
  health: { probeIntervalSeconds: number; threshold: number; autoVote: boolean };
  uploads: { maxBytes: number; minFreeBytes: number };
  /** The seeder's upload rate cap in bytes per second; 0 means none. */
  seeding: { uploadLimitBytesPerSecond: number };
  signup: boolean;
  /**
   * allowPrivateAddresses: connect to peers at loopback, private and other special-purpose
   * addresses (a demo or test network on one machine or a LAN); off, such peers are refused.
   */
  federation: { pullIntervalSeconds: number; allowPrivateAddresses: boolean };
}

export class ConfigError extends Error {
  readonly code = 'config-invalid';
}

const DEFAULTS: PodConfig = {
  name: 'Swarmtube pod',
  host: 'localhost:9000',
  port: 9000,
  listen: '127.0.0.1',
  peerPort: 6881,
  dataDir: 'data/pod',
  database: 'sqlite',
  databaseSchema: 'public',
  seeds: [],
  friends: { autoAccept: true },
  health: { probeIntervalSeconds: 30, threshold: 20, autoVote: true },
  uploads: { maxBytes: 4 * 1024 ** 3, minFreeBytes: 64 * 1024 ** 2 },
  seeding: { uploadLimitBytesPerSecond: 0 },
  signup: false,
  federation: { pullIntervalSeconds: 60, allowPrivateAddresses: false },
};

type Shape = 'string' | 'port' | 'count' | 'seconds' | 'boolean' | 'hosts';
/** Every key, its shape and its environment variable: one table so the README and the code agree. */
export const CONFIG_KEYS: ReadonlyArray<{ path: string; shape: Shape; env: string }> = [
  { path: 'name', shape: 'string', env: 'SWARMTUBE_NAME' },
  { path: 'host', shape: 'string', env: 'SWARMTUBE_HOST' },
  { path: 'port', shape: 'port', env: 'SWARMTUBE_PORT' },
  { path: 'listen', shape: 'string', env: 'SWARMTUBE_LISTEN' },
  { path: 'peerPort', shape: 'port', env: 'SWARMTUBE_PEER_PORT' },
  { path: 'dataDir', shape: 'string', env: 'SWARMTUBE_DATA_DIR' },
  { path: 'database', shape: 'string', env: 'SWARMTUBE_DATABASE' },
  { path: 'databaseSchema', shape: 'string', env: 'SWARMTUBE_DATABASE_SCHEMA' },
  { path: 'seeds', shape: 'hosts', env: 'SWARMTUBE_SEEDS' },
  { path: 'friends.autoAccept', shape: 'boolean', env: 'SWARMTUBE_FRIENDS_AUTO_ACCEPT' },
  { path: 'health.probeIntervalSeconds', shape: 'seconds', env: 'SWARMTUBE_HEALTH_PROBE_INTERVAL_SECONDS' },
  { path: 'health.threshold', shape: 'count', env: 'SWARMTUBE_HEALTH_THRESHOLD' },
  { path: 'health.autoVote', shape: 'boolean', env: 'SWARMTUBE_HEALTH_AUTO_VOTE' },
  { path: 'uploads.maxBytes', shape: 'count', env: 'SWARMTUBE_UPLOADS_MAX_BYTES' },
  { path: 'uploads.minFreeBytes', shape: 'count', env: 'SWARMTUBE_UPLOADS_MIN_FREE_BYTES' },
  { path: 'seeding.uploadLimitBytesPerSecond', shape: 'count', env: 'SWARMTUBE_SEEDING_UPLOAD_LIMIT_BYTES_PER_SECOND' },
  { path: 'signup', shape: 'boolean', env: 'SWARMTUBE_SIGNUP' },
  { path: 'federation.pullIntervalSeconds', shape: 'count', env: 'SWARMTUBE_FEDERATION_PULL_INTERVAL_SECONDS' },
  { path: 'federation.allowPrivateAddresses', shape: 'boolean', env: 'SWARMTUBE_FEDERATION_ALLOW_PRIVATE_ADDRESSES' },
];

const HOST_PATTERN = /^[a-z0-9.-]+(:\d{1,5})?$/i;

function coerce(path: string, shape: Shape, raw: unknown, fromEnv: boolean): unknown {
  const fail = (why: string): never => {
    throw new ConfigError(`config key "${path}": ${why} (got ${JSON.stringify(raw)})`);
  };
  switch (shape) {
    case 'string':
      if (typeof raw !== 'string' && typeof raw !== 'number') fail('expected a string');
      return String(raw);
    case 'port':
    case 'count': {
      const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
      if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) fail('expected a whole number');
      if (shape === 'port' && (n as number) > 65535) fail('expected a port number (0-65535)');
      return n;
    }
    case 'seconds': {
      // A duration: decimals allowed (0.2 probes five times a second, for tests); 0 turns it off.
      const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > 86_400) fail('expected a number of seconds from 0 to 86400 (decimals allowed)');
      return n;
    }
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (fromEnv && /^(true|1|yes)$/i.test(String(raw))) return true;
      if (fromEnv && /^(false|0|no)$/i.test(String(raw))) return false;
      return fail('expected true or false');
    case 'hosts': {
      const list = fromEnv && typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter(Boolean) : raw;
      if (!Array.isArray(list)) return fail('expected a list of host[:port]');
      for (const host of list) if (typeof host !== 'string' || !HOST_PATTERN.test(host)) fail(`"${String(host)}" is not a host[:port]`);
      return list;
    }
  }
}

function getPath(source: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), source);
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop()!;
  let node = target;
  for (const key of keys) node = node[key] as Record<string, unknown>;
  node[last] = value;
}

export function loadPodConfig(options: { file?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): PodConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  let fileValues: Record<string, unknown> = {};
  if (options.file) {
    let text: string;
    try {
      text = readFileSync(options.file, 'utf8');
    } catch (error) {
      throw new ConfigError(`cannot read config file ${options.file}: ${(error as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = parseYaml(text);
    } catch (error) {
      throw new ConfigError(`config file ${options.file} is not valid YAML: ${(error as Error).message}`);
    }
    if (parsed !== null && parsed !== undefined && (typeof parsed !== 'object' || Array.isArray(parsed))) {
      throw new ConfigError(`config file ${options.file} must be a YAML mapping`);
    }
    fileValues = (parsed ?? {}) as Record<string, unknown>;
    const known = new Set(CONFIG_KEYS.map((k) => k.path.split('.')[0]));
    for (const key of Object.keys(fileValues)) {
      if (!known.has(key)) throw new ConfigError(`config file ${options.file}: unknown key "${key}"`);
    }
  }

  const config = structuredClone(DEFAULTS) as unknown as Record<string, unknown>;
  for (const { path, shape, env: envName } of CONFIG_KEYS) {
    const fromFile = getPath(fileValues, path);
    if (fromFile !== undefined) setPath(config, path, coerce(path, shape, fromFile, false));
    const fromEnv = env[envName];
    if (fromEnv !== undefined && fromEnv !== '') setPath(config, path, coerce(path, shape, fromEnv, true));
  }
  if (env.DATABASE_URL) config.database = env.DATABASE_URL;

  const result = config as unknown as PodConfig;
  if (!HOST_PATTERN.test(result.host)) throw new ConfigError(`config key "host": "${result.host}" is not a host[:port]`);
  if (result.database !== 'sqlite' && !/^postgres(ql)?:\/\//.test(result.database)) {
    throw new ConfigError(`config key "database": expected "sqlite" or a postgres:// URL`);
  }
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(result.databaseSchema)) {
    throw new ConfigError(`config key "databaseSchema": expected a lowercase SQL identifier`);
  }
  result.dataDir = isAbsolute(result.dataDir) ? result.dataDir : resolve(cwd, result.dataDir);
  return result;
}

export function actorUrl(config: Pick<PodConfig, 'host'>): string {
  return `http://${config.host}/federation/actor`;
}

import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { actorUrlOf, canonicalPublicUrl, peerPublicUrl } from '../../../../libs/contracts/src/pod-urls.js';
import { checkTrustedProxies } from '../http/client-address.js';

/**
 * A pod's configuration: YAML file < SWARMTUBE_<KEY> environment variables < DATABASE_URL.
 * Every key has a default, so an empty file (or none) starts a working pod on localhost:9000.
 */
export interface PodConfig {
  name: string;
  /** Public host[:port]: the host of publicUrl. */
  host: string;
  /**
   * The pod's public URL, canonical (`https://video.example.org`; by default `http://HOST`):
   * every URL the pod emits derives from it (libs/contracts/src/pod-urls.ts).
   */
  publicUrl: string;
  port: number;
  /** Address the HTTP server binds to. */
  listen: string;
  peerPort: number;
  dataDir: string;
  /** `sqlite` (a file in dataDir) or a postgres:// URL. */
  database: string;
  /** PostgreSQL schema of this pod, so several pods can share one database. */
  databaseSchema: string;
  /** Peers asked by make-friends: URLs or bare hosts (HTTPS, except loopback in demo mode). */
  seeds: string[];
  /**
   * Reverse proxies whose X-Forwarded-For/-Proto are believed (addresses or CIDRs, as
   * proxy-addr takes them); from any other address those headers are ignored.
   */
  trustedProxies: string[];
  /**
   * ICE servers for viewers' and the seeder's WebRTC: STUN and TURN URLs, and the secret
   * shared with the TURN server (coturn `use-auth-secret`) from which short-lived credentials
   * are minted; empty: no TURN credentials.
   */
  ice: { stunUrls: string[]; turnUrls: string[]; turnSecret: string; credentialTtlSeconds: number };
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
  publicUrl: '',
  port: 9000,
  listen: '127.0.0.1',
  peerPort: 6881,
  dataDir: 'data/pod',
  database: 'sqlite',
  databaseSchema: 'public',
  seeds: [],
  trustedProxies: [],
  ice: { stunUrls: [], turnUrls: [], turnSecret: '', credentialTtlSeconds: 3600 },
  friends: { autoAccept: true },
  health: { probeIntervalSeconds: 30, threshold: 20, autoVote: true },
  uploads: { maxBytes: 4 * 1024 ** 3, minFreeBytes: 64 * 1024 ** 2 },
  seeding: { uploadLimitBytesPerSecond: 0 },
  signup: false,
  federation: { pullIntervalSeconds: 60, allowPrivateAddresses: false },
};

type Shape = 'string' | 'secret' | 'port' | 'count' | 'seconds' | 'boolean' | 'peers' | 'strings';
/** Every key, its shape and its environment variable: one table so the README and the code agree. */
export const CONFIG_KEYS: ReadonlyArray<{ path: string; shape: Shape; env: string }> = [
  { path: 'name', shape: 'string', env: 'SWARMTUBE_NAME' },
  { path: 'host', shape: 'string', env: 'SWARMTUBE_HOST' },
  { path: 'publicUrl', shape: 'string', env: 'SWARMTUBE_PUBLIC_URL' },
  { path: 'port', shape: 'port', env: 'SWARMTUBE_PORT' },
  { path: 'listen', shape: 'string', env: 'SWARMTUBE_LISTEN' },
  { path: 'peerPort', shape: 'port', env: 'SWARMTUBE_PEER_PORT' },
  { path: 'dataDir', shape: 'string', env: 'SWARMTUBE_DATA_DIR' },
  { path: 'database', shape: 'string', env: 'SWARMTUBE_DATABASE' },
  { path: 'databaseSchema', shape: 'string', env: 'SWARMTUBE_DATABASE_SCHEMA' },
  { path: 'seeds', shape: 'peers', env: 'SWARMTUBE_SEEDS' },
  { path: 'trustedProxies', shape: 'strings', env: 'SWARMTUBE_TRUSTED_PROXIES' },
  { path: 'ice.stunUrls', shape: 'strings', env: 'SWARMTUBE_ICE_STUN_URLS' },
  { path: 'ice.turnUrls', shape: 'strings', env: 'SWARMTUBE_ICE_TURN_URLS' },
  { path: 'ice.turnSecret', shape: 'secret', env: 'SWARMTUBE_ICE_TURN_SECRET' },
  { path: 'ice.credentialTtlSeconds', shape: 'count', env: 'SWARMTUBE_ICE_CREDENTIAL_TTL_SECONDS' },
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
    // A secret is never echoed, not even in a refusal.
    throw new ConfigError(`config key "${path}": ${why}${shape === 'secret' ? '' : ` (got ${JSON.stringify(raw)})`}`);
  };
  switch (shape) {
    case 'secret':
      if (typeof raw !== 'string') fail('expected a string');
      return raw;
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
    case 'peers':
    case 'strings': {
      const list = fromEnv && typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter(Boolean) : raw;
      if (!Array.isArray(list)) return fail(shape === 'peers' ? 'expected a list of URLs or host[:port]' : 'expected a list of strings');
      for (const item of list) if (typeof item !== 'string' || item.trim() === '') fail(`"${String(item)}" is not a non-empty string`);
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
  const given = new Set<string>();
  for (const { path, shape, env: envName } of CONFIG_KEYS) {
    const fromFile = getPath(fileValues, path);
    if (fromFile !== undefined) setPath(config, path, coerce(path, shape, fromFile, false));
    const fromEnv = env[envName];
    if (fromEnv !== undefined && fromEnv !== '') setPath(config, path, coerce(path, shape, fromEnv, true));
    if (fromFile !== undefined || (fromEnv !== undefined && fromEnv !== '')) given.add(path);
  }
  if (env.DATABASE_URL) config.database = env.DATABASE_URL;

  const result = config as unknown as PodConfig;
  if (!HOST_PATTERN.test(result.host)) throw new ConfigError(`config key "host": "${result.host}" is not a host[:port]`);
  checkPublicUrl(result, given.has('host'));
  const allowPlainHttpLoopback = result.federation.allowPrivateAddresses;
  for (const seed of result.seeds) {
    try {
      peerPublicUrl(seed, { allowPlainHttpLoopback });
    } catch (error) {
      throw new ConfigError(`config key "seeds": ${(error as Error).message}`);
    }
  }
  try {
    checkTrustedProxies(result.trustedProxies);
  } catch (error) {
    throw new ConfigError(`config key "trustedProxies": ${(error as Error).message}; expected addresses, CIDRs, or loopback, linklocal, uniquelocal`);
  }
  for (const key of ['stunUrls', 'turnUrls'] as const) {
    const scheme = key === 'stunUrls' ? /^stuns?:[^\s]+$/ : /^turns?:[^\s]+$/;
    for (const url of result.ice[key]) if (!scheme.test(url)) throw new ConfigError(`config key "ice.${key}": "${url.slice(0, 200)}" is not a ${key === 'stunUrls' ? 'stun: or stuns:' : 'turn: or turns:'} URL`);
  }
  if (result.ice.turnUrls.length > 0 && result.ice.turnSecret.length < 16) {
    throw new ConfigError('config key "ice.turnSecret": TURN URLs need the secret shared with the TURN server (at least 16 characters)');
  }
  if (result.ice.credentialTtlSeconds < 5 || result.ice.credentialTtlSeconds > 86_400) {
    throw new ConfigError(`config key "ice.credentialTtlSeconds": expected 5 to 86400 (got ${result.ice.credentialTtlSeconds})`);
  }
  if (result.database !== 'sqlite' && !/^postgres(ql)?:\/\//.test(result.database)) {
    throw new ConfigError(`config key "database": expected "sqlite" or a postgres:// URL`);
  }
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(result.databaseSchema)) {
    throw new ConfigError(`config key "databaseSchema": expected a lowercase SQL identifier`);
  }
  result.dataDir = isAbsolute(result.dataDir) ? result.dataDir : resolve(cwd, result.dataDir);
  return result;
}

/**
 * publicUrl in its canonical form; by default `http://HOST`. Given alone, it names the host;
 * given with a host, both must name the same one.
 */
function checkPublicUrl(config: PodConfig, hostGiven: boolean): void {
  if (config.publicUrl === '') {
    config.publicUrl = `http://${config.host.toLowerCase()}`;
    return;
  }
  let canonical: string;
  try {
    canonical = canonicalPublicUrl(config.publicUrl);
  } catch (error) {
    throw new ConfigError(`config key "publicUrl": ${(error as Error).message}; expected an absolute http(s) URL such as https://video.example.org`);
  }
  const host = new URL(canonical).host;
  if (hostGiven && host !== config.host.toLowerCase()) {
    throw new ConfigError(`config key "publicUrl": its host "${host}" is not the config's "host" (${config.host}); drop "host" or make them agree`);
  }
  config.publicUrl = canonical;
  config.host = host;
}

/** The pod's actor URL: PUBLIC_URL/federation/actor. */
export function actorUrl(config: Pick<PodConfig, 'publicUrl'>): string {
  return actorUrlOf(config.publicUrl);
}

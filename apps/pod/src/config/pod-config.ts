import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { actorUrlOf, canonicalPublicUrl, peerPublicUrl } from '@swarmtube/contracts';
import { checkTrustedProxies } from '../http/client-address.js';
import { LOG_FORMATS, LOG_LEVELS, type PodLogSettings } from '../logger/pod-log.js';

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
  /** PostgreSQL connections this pod opens at most (besides one for notifications). */
  databasePoolSize: number;
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
  uploads: { maxBytes: number; minFreeBytes: number; resumableExpirySeconds: number };
  /** The seeder's upload rate cap in bytes per second (0 means none), and whether it super-seeds. */
  seeding: { uploadLimitBytesPerSecond: number; superSeeding: boolean };
  /** The mirror policy (mirrors/domain/mirror-policy.ts): which friends' videos this pod mirrors by itself. */
  mirrors: { enabled: boolean; budgetBytes: number; order: 'newest' | 'most-watched'; friendsOnly: boolean; intervalSeconds: number };
  signup: boolean;
  /** What /readyz tolerates. */
  readiness: { maxLagEvents: number };
  /** On SIGTERM, how long in-flight requests get before the process exits anyway. */
  shutdownTimeoutSeconds: number;
  /**
   * allowPrivateAddresses: connect to peers at loopback, private and other special-purpose
   * addresses (a demo or test network on one machine or a LAN); off, such peers are refused.
   */
  federation: { pullIntervalSeconds: number; allowPrivateAddresses: boolean };
  /** The pod's one logger: its level, and JSON lines (production) or readable lines (the demo). */
  log: PodLogSettings;
}

export class ConfigError extends Error {
  readonly code = 'config-invalid';
}

/**
 * A leaf of the schema: its JSON Schema, its default, and whether its value must never be echoed.
 * The environment variable is derived from the path (SWARMTUBE_ + the path in SCREAMING_SNAKE_CASE).
 */
interface Leaf {
  schema: Record<string, unknown>;
  default: unknown;
  secret?: true;
  /** Another variable that also sets it (read apart, after the others). */
  alsoEnv?: string;
  /** The README's default cell, when the default is derived (publicUrl) or empty. */
  shown?: string;
  /** What the README says it does. */
  doc: string;
}
type Tree = { [key: string]: Leaf | Tree };

const HOST = '^[A-Za-z0-9.-]+(:\\d{1,5})?$';
const str = (doc: string, value: string, extra: Record<string, unknown> = {}): Leaf => ({ schema: { type: 'string', ...extra }, default: value, doc });
const bool = (doc: string, value: boolean): Leaf => ({ schema: { type: 'boolean' }, default: value, doc });
const int = (doc: string, value: number, minimum: number, maximum: number = Number.MAX_SAFE_INTEGER): Leaf => ({ schema: { type: 'integer', minimum, maximum }, default: value, doc });
/** A duration: decimals allowed (0.2 probes five times a second, for tests); 0 turns it off. */
const seconds = (doc: string, value: number, minimum = 0, maximum = 86_400): Leaf => ({ schema: { type: 'number', minimum, maximum }, default: value, doc });
const list = (doc: string): Leaf => ({ schema: { type: 'array', items: { type: 'string', minLength: 1, pattern: '\\S' } }, default: [], doc });

/**
 * THE config schema: every key, its type and range, its default and its environment variable
 * derive from this one tree (CONFIG_SCHEMA for ajv, DEFAULTS, CONFIG_KEYS for the README).
 */
const TREE: Tree = {
  name: str("the pod's display name", 'Swarmtube pod', { minLength: 1, maxLength: 200 }),
  host: str('public `host[:port]`; with `publicUrl` set it may be left out (it is the URL\'s host), and must agree with it when given', 'localhost:9000', { pattern: HOST }),
  publicUrl: {
    ...str(
      "the pod's public URL, scheme and host only (`https://video.example.org`): every URL the pod emits derives from it (actor `PUBLIC_URL/federation/actor`, keys, WebFinger, NodeInfo, videos, torrents with `wss://`/`https://` trackers under HTTPS, web seeds, thumbnails); not an absolute http(s) URL, with a path, query or fragment, or naming another actor than the log's first event: start refused ([docs/protocol.md](docs/protocol.md#urls-one-public-url))",
      '',
    ),
    shown: '`http://HOST`',
  },
  port: int('HTTP port (API, site, tracker) and UDP tracker port', 9000, 0, 65535),
  listen: str('address the HTTP server binds to', '127.0.0.1', { minLength: 1 }),
  peerPort: int('BitTorrent TCP/uTP port', 6881, 0, 65535),
  dataDir: str(
    'keys, SQLite file, admin password, media (uploads, web-videos, torrents, thumbnails; `children/` records running ffmpeg; `mirror-fetches/` holds copies of other pods\' videos being fetched; `*.swarmtube-tmp` files are temporary and swept at start)',
    'data/pod',
    { minLength: 1 },
  ),
  database: { ...str('`sqlite` or a `postgres://` URL', 'sqlite', { pattern: '^(sqlite|postgres(ql)?://.*)$' }), alsoEnv: 'DATABASE_URL' },
  databaseSchema: str('PostgreSQL schema of this pod (several pods can share a database)', 'public', { pattern: '^[a-z_][a-z0-9_]{0,62}$' }),
  databasePoolSize: int('PostgreSQL connections this pod opens at most, besides one for notifications (PostgreSQL allows 100 in all by default)', 10, 1, 100),
  seeds: list(
    'pods asked by make-friends: URLs or bare `host[:port]` (a bare host means HTTPS, except loopback hosts while `federation.allowPrivateAddresses` is on); `http://` to anything else is refused',
  ),
  trustedProxies: list(
    "reverse proxies whose `X-Forwarded-For`/`-Proto` are believed: addresses, CIDRs, or `loopback`, `linklocal`, `uniquelocal` (proxy-addr); from anyone else those headers are ignored. The client address then keys the login and sign-up limits and the tracker's peer list and per-address limits",
  ),
  ice: {
    stunUrls: list("STUN servers (`stun:host:port`) for viewers' and the seeder's WebRTC"),
    turnUrls: list('TURN servers (`turn:host:3478?transport=udp`, `turns:host:5349`); need `ice.turnSecret`'),
    turnSecret: {
      ...str('the secret shared with the TURN server (coturn `use-auth-secret`, `static-auth-secret`), at least 16 characters; short-lived credentials are minted from it, it is never sent nor logged', ''),
      secret: true,
      shown: 'empty',
    },
    credentialTtlSeconds: int('life of a viewer session and its TURN credentials (5-86400)', 3600, 5, 86_400),
  },
  friends: { autoAccept: bool('accept friendship requests without an admin', true) },
  health: {
    probeIntervalSeconds: seconds("how often each friend's actor is probed with a signed GET; decimals allowed (`0.1` in tests), `0` turns probes off (deliveries still count)", 30),
    threshold: int('score (0-1000, a new peer has 100, ±10 per successful or failed contact) at or below which a friend is voted out', 20, 0, 1000),
    autoVote: bool("cast this pod's expulsion vote automatically when a friend is at or under the threshold (and withdraw it when the friend is back to 100)", true),
  },
  uploads: {
    maxBytes: int('largest upload accepted', 4 * 1024 ** 3, 0),
    minFreeBytes: int('an upload that would leave less free space than this on the data disk is refused (507)', 64 * 1024 ** 2, 0),
    resumableExpirySeconds: seconds(
      'a resumable upload (`/api/v1/videos/upload-resumable`) that receives no chunk for this long is removed with its bytes (0.5 to 2592000; decimals for tests); a finished one\'s answer is kept as long',
      86_400,
      0.5,
      30 * 86_400,
    ),
  },
  seeding: {
    uploadLimitBytesPerSecond: int("cap on the seeder's upload rate; 0 means none (viewers' peers carry the rest)", 0, 0),
    superSeeding: bool(
      "super-seeding: the seeder hands each piece to the swarm about once and lets viewers spread it (full speed for a viewer alone or starving); off, it advertises every piece to every peer ([apps/pod/src/seeder/README.md](apps/pod/src/seeder/README.md#super-seeding))",
      true,
    ),
  },
  mirrors: {
    enabled: bool("mirror other pods' videos by policy (fetched through the swarm, checked, seeded, tracked and served as a web seed); off, only the videos an admin chose (`POST /api/v1/videos/{uuid}/mirror`) are mirrored", false),
    budgetBytes: int('bytes the videos mirrored by policy may take, with those an admin chose counted first; a video that no longer fits is dropped', 10 * 1024 ** 3, 0),
    order: { schema: { type: 'string', enum: ['newest', 'most-watched'] }, default: 'newest', doc: 'which videos the policy mirrors first: `newest` (published last) or `most-watched` (most opened on this pod)' },
    friendsOnly: bool('mirror by policy only the videos of active friends (not those of pods that left the network)', true),
    intervalSeconds: seconds('how often the mirror policy is applied (also at once after a video is published or deleted, a pod expelled or readmitted, a friendship made or ended, an admin\'s choice); decimals allowed', 30, 0.05),
  },
  signup: bool('whether visitors may create accounts', false),
  federation: {
    pullIntervalSeconds: int('how often a pod pulls what its friends hold (0: only at start and on gaps)', 60, 0),
    allowPrivateAddresses: bool(
      'connect to peers at loopback, private, link-local and other special-purpose addresses; off, a keyId, seed or actor there is refused before any connection (the demo configs and the tests turn it on: their pods are all on localhost). It is also *demo mode*: only then may peers on loopback hosts be reached over plain HTTP; every other peer is HTTPS with a verified certificate (`NODE_EXTRA_CA_CERTS` adds a private CA)',
      false,
    ),
  },
  readiness: {
    maxLagEvents: int('`/readyz` answers 503 while a read model is more than this many events behind the log (or rebuilding from the start)', 1000, 0),
  },
  shutdownTimeoutSeconds: seconds('on SIGTERM, requests in flight get this long to finish and commit; then the process exits anyway (code 1)', 20, 0, 3600),
  log: {
    level: str(`lowest level logged: ${LOG_LEVELS.join(', ')} (\`debug\` adds Nest's start-up lines and health probes' access lines)`, 'info', { enum: [...LOG_LEVELS] }),
    format: str(
      '`json`: one JSON object a line on stdout (production: journald, log shippers); `pretty`: readable lines (the demo configs set it). See [docs/operations.md](docs/operations.md#logs)',
      'json',
      { enum: [...LOG_FORMATS] },
    ),
  },
};

const isLeaf = (node: Leaf | Tree): node is Leaf => 'schema' in node && 'default' in node && typeof (node as Leaf).doc === 'string';

/** Every key with its environment variable, default and meaning, in file order (the README table). */
interface ConfigKey {
  path: string;
  env: string;
  alsoEnv?: string;
  shown?: string;
  default: unknown;
  doc: string;
  secret: boolean;
  schema: Record<string, unknown>;
}
export const CONFIG_KEYS: ReadonlyArray<ConfigKey> = (() => {
  const out: ConfigKey[] = [];
  const walk = (node: Tree, prefix: string) => {
    for (const [key, child] of Object.entries(node)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (isLeaf(child)) out.push({ path, env: envName(path), alsoEnv: child.alsoEnv, shown: child.shown, default: child.default, doc: child.doc, secret: child.secret === true, schema: child.schema });
      else walk(child, path);
    }
  };
  walk(TREE, '');
  return out;
})();

/** The README's configuration table, rows in schema order (a unit test keeps the README equal to it). */
export function configTable(): string {
  const rows = CONFIG_KEYS.map(({ path, env, default: value, doc, schema, alsoEnv, shown: cell }) => {
    const envs = [`\`${env}\``, ...(alsoEnv ? [`\`${alsoEnv}\``] : [])].join(', ') + (schema.type === 'array' ? ' (comma-separated)' : '');
    const shown = cell ?? `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
    return `| \`${path}\` | ${envs} | ${shown} | ${doc} |`;
  });
  return ['| key | environment | default | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

export function envName(path: string): string {
  return `SWARMTUBE_${path.replace(/\./g, '_').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

function toSchema(node: Tree): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(node)) properties[key] = isLeaf(child) ? child.schema : toSchema(child);
  return { type: 'object', properties, additionalProperties: false };
}

/** The JSON Schema of a config file (every key optional: each has a default). */
export const CONFIG_SCHEMA = toSchema(TREE);

const DEFAULTS = (() => {
  const config: Record<string, unknown> = {};
  for (const { path, default: value } of CONFIG_KEYS) setPath(config, path, structuredClone(value));
  return config as unknown as PodConfig;
})();

const validateConfig = new Ajv({ allErrors: true, strict: true, verbose: true }).compile(CONFIG_SCHEMA);

/** Damerau-Levenshtein (optimal string alignment) distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The closest of `candidates` to `word` within an edit distance of 2 (case-insensitively), if any. */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(word.toLowerCase(), name.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function keysAt(path: string): string[] {
  const node = path === '' ? TREE : (path.split('.').reduce<Tree | Leaf | undefined>((n, k) => (n && !isLeaf(n) ? (n as Tree)[k] : undefined), TREE) as Tree | undefined);
  return node && !isLeaf(node) ? Object.keys(node) : [];
}

/** One line per error, each naming the key path (`friends.autoAcept`) and, for a near-miss, the key it probably meant. */
function explain(errors: ErrorObject[], where: string, data: unknown): string {
  const lines = new Set<string>();
  for (const error of errors) {
    const parent = error.instancePath.split('/').slice(1).join('.');
    const leaf = CONFIG_KEYS.find((k) => k.path === parent.replace(/\.\d+$/, ''));
    if (error.keyword === 'additionalProperties') {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      const path = parent ? `${parent}.${key}` : key;
      const guess = nearest(key, keysAt(parent));
      lines.add(`unknown key "${path}"${guess ? `: did you mean "${parent ? `${parent}.${guess}` : guess}"?` : ` (known here: ${keysAt(parent).join(', ')})`}`);
      continue;
    }
    const path = parent || '(top level)';
    // A secret is never echoed, not even in a refusal.
    const got = leaf?.secret ? '' : ` (got ${JSON.stringify(valueAt(data, error))?.slice(0, 200)})`;
    lines.add(`config key "${path}": ${describe(error)}${got}`);
  }
  return `${where}: ${[...lines].join('; ')}`;
}

function valueAt(data: unknown, error: ErrorObject): unknown {
  return error.instancePath.split('/').slice(1).reduce<unknown>((n, k) => (n && typeof n === 'object' ? (n as Record<string, unknown>)[k] : undefined), data);
}

function describe(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type':
      return p.type === 'boolean' ? 'expected true or false' : p.type === 'integer' ? 'expected a whole number' : p.type === 'object' ? 'expected a mapping of keys' : `expected ${p.type === 'array' ? 'a list' : `a ${String(p.type)}`}`;
    case 'minimum':
    case 'maximum': {
      const schema = error.parentSchema as { minimum?: number; maximum?: number };
      const max = schema.maximum === undefined || schema.maximum === Number.MAX_SAFE_INTEGER ? '' : ` to ${schema.maximum}`;
      return `out of range: expected ${schema.minimum ?? '-∞'}${max || ' or more'}`;
    }
    case 'enum':
      return `expected one of ${((error.params as { allowedValues: unknown[] }).allowedValues ?? []).join(', ')}`;
    case 'pattern':
      return error.instancePath === '/host' ? 'not a host[:port]' : error.instancePath === '/database' ? 'expected "sqlite" or a postgres:// URL' : error.instancePath === '/databaseSchema' ? 'expected a lowercase SQL identifier' : 'must not be blank';
    default:
      return error.message ?? error.keyword;
  }
}

/** An environment value in the type its key's schema wants (the schema then checks it like a file's). */
function fromEnvironment(raw: string, schema: Record<string, unknown>): unknown {
  switch (schema.type) {
    case 'integer':
    case 'number':
      return raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    case 'boolean':
      return /^(true|1|yes)$/i.test(raw) ? true : /^(false|0|no)$/i.test(raw) ? false : raw;
    case 'array':
      return raw.split(',').map((s) => s.trim()).filter(Boolean);
    default:
      return raw;
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop()!;
  let node = target;
  for (const key of keys) node = (node[key] ??= {}) as Record<string, unknown>;
  node[last] = value;
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(over)) {
    const into = base[key];
    if (value && typeof value === 'object' && !Array.isArray(value) && into && typeof into === 'object' && !Array.isArray(into)) merge(into as Record<string, unknown>, value as Record<string, unknown>);
    else base[key] = value;
  }
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
    // YAML reads `name: 2024` as a number: a string key takes it as written.
    for (const { path, schema, secret } of CONFIG_KEYS) {
      if (secret) continue; // a secret written as a number has lost its leading zeros: refuse it
      const value = path.split('.').reduce<unknown>((n, k) => (n && typeof n === 'object' ? (n as Record<string, unknown>)[k] : undefined), fileValues);
      if (schema.type === 'string' && typeof value === 'number') setPath(fileValues, path, String(value));
    }
    if (!validateConfig(fileValues)) throw new ConfigError(explain(validateConfig.errors ?? [], `config file ${options.file}`, fileValues));
  }

  // The environment: the same schema, each variable read in its key's type.
  const envValues: Record<string, unknown> = {};
  const byEnv = new Map(CONFIG_KEYS.map((k) => [k.env, k]));
  for (const [name, raw] of Object.entries(env)) {
    if (raw === undefined || raw === '' || !name.startsWith('SWARMTUBE_')) continue;
    const key = byEnv.get(name);
    if (key) {
      setPath(envValues, key.path, fromEnvironment(raw, key.schema));
      continue;
    }
    // Other SWARMTUBE_ variables exist (the admin password, test switches): only a near-miss of a config variable is refused.
    const guess = nearest(name, byEnv.keys());
    if (guess && editDistance(name, guess) > 0) throw new ConfigError(`unknown environment variable ${name}: did you mean ${guess}?`);
  }
  if (!validateConfig(envValues)) {
    throw new ConfigError(explain(validateConfig.errors ?? [], 'environment', envValues).replace(/config key "([^"]+)"/g, (_m, path: string) => `${envName(path.replace(/\.\d+$/, ''))} (config key "${path}")`));
  }

  const config = structuredClone(DEFAULTS) as unknown as Record<string, unknown>;
  merge(config, fileValues);
  merge(config, envValues);
  if (env.DATABASE_URL) config.database = env.DATABASE_URL;

  // What a schema cannot say: rules between keys, and values checked by the code that uses them.
  const result = config as unknown as PodConfig;
  const hostGiven = (fileValues as { host?: unknown }).host !== undefined || (envValues as { host?: unknown }).host !== undefined;
  checkPublicUrl(result, hostGiven);
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
  if (result.database !== 'sqlite' && !/^postgres(ql)?:\/\//.test(result.database)) {
    throw new ConfigError(`config key "database": expected "sqlite" or a postgres:// URL`);
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

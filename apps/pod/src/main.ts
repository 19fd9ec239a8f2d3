import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ConfigError, loadPodConfig } from './config/pod-config.js';
import { PodLog } from './logger/pod-log.js';
import { openPod } from './pod-app.js';
import { ADMIN_PASSWORD, type AdminPassword } from './users/admin-password.js';
import { SWARMTUBE_VERSION } from './version.js';

const USAGE = 'usage: npm run pod -- --config config/pod-1.yaml';

let logger: PodLog | undefined;

async function main(): Promise<void> {
  let file: string | undefined;
  try {
    const { values } = parseArgs({ options: { config: { type: 'string', short: 'c' } }, strict: true });
    file = values.config;
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`, 2);
  }
  const config = loadPodConfig({ file });
  const log = PodLog.open(config.log, { pod: config.host });
  logger = log;
  const pod = await openPod(config, { http: true, logger: log });
  const adminPassword = pod.app.get<AdminPassword>(ADMIN_PASSWORD);
  if (adminPassword.generated) showGeneratedPassword(adminPassword.generated, config.log.format, log);
  else if (adminPassword.source === 'legacy-file') {
    log.log(`the root password kept in clear in ${config.dataDir}/admin-password is now stored only as a hash; the file is removed`);
  }
  await pod.startFederation();
  const database = config.database === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  log.log(`${config.name} listening on ${config.publicUrl} (bound to ${config.listen}:${pod.port}), data in ${config.dataDir}, log on ${database}`, {
    publicUrl: config.publicUrl,
    listen: config.listen,
    port: pod.port,
    dataDir: config.dataDir,
    database,
    version: SWARMTUBE_VERSION,
  });
  let stopping = false;
  // SIGTERM (systemd, an orchestrator): /readyz turns 503 at once, new connections are refused,
  // requests in flight (an upload streaming in) finish and their events commit, then the store
  // closes. What is still running after shutdownTimeoutSeconds is cut: the process exits anyway.
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const limit = config.shutdownTimeoutSeconds;
    log.log(`${signal}: stopping (requests in flight get ${limit} s)`, { signal });
    setTimeout(() => {
      log.error(`not stopped within shutdownTimeoutSeconds (${limit} s): exiting anyway`);
      process.exit(1);
    }, limit * 1000).unref();
    await pod.close();
    log.log('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/**
 * Root's generated password is a secret: it never goes into the log. A readable (demo) log is
 * a terminal: the password is shown there once, beside the log. A JSON log goes to journald or
 * a shipper, where it would stay: it is not shown (set SWARMTUBE_ADMIN_PASSWORD, or reset it).
 */
function showGeneratedPassword(password: string, format: 'json' | 'pretty', log: PodLog): void {
  if (format === 'pretty') {
    process.stdout.write(`admin "root", password ${password} (shown once, stored only as a hash; npm run admin -- reset-password root sets a new one)\n`);
    return;
  }
  log.warn('root\'s password was generated at this first start and is not written to a JSON log: stop the pod and run `npm run admin -- reset-password root`, or set SWARMTUBE_ADMIN_PASSWORD (docs/deploy.md)');
}

/** A start refused (bad arguments, configuration or data): one line on stderr, no stack trace. */
function fail(message: string, exitCode = 1): never {
  process.stderr.write(`swarmtube: ${message}\n`);
  process.exit(exitCode);
}

main().catch((error: unknown) => {
  const code = (error as { code?: unknown })?.code;
  if (error instanceof ConfigError || typeof code === 'string') fail((error as Error).message, error instanceof ConfigError ? 2 : 1);
  if (logger) logger.error(`the pod stopped on an unexpected error: ${(error as Error)?.message ?? String(error)}`, { err: error });
  else process.stderr.write(`swarmtube: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});

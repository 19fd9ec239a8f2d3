import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ConfigError, loadPodConfig } from './config/pod-config.js';
import { openPod } from './pod-app.js';
import { ADMIN_PASSWORD, type AdminPassword } from './users/admin-password.js';

const USAGE = 'usage: npm run pod -- --config config/pod-1.yaml';

async function main(): Promise<void> {
  let file: string | undefined;
  try {
    const { values } = parseArgs({ options: { config: { type: 'string', short: 'c' } }, strict: true });
    file = values.config;
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`, 2);
  }
  const config = loadPodConfig({ file });
  const pod = await openPod(config, { http: true });
  const adminPassword = pod.app.get<AdminPassword>(ADMIN_PASSWORD);
  if (adminPassword.generated) {
    console.log(`[${config.name}] admin "root", password ${adminPassword.generated} (shown once, stored only as a hash; npm run admin -- reset-password root sets a new one)`);
  } else if (adminPassword.source === 'legacy-file') {
    console.log(`[${config.name}] the root password kept in clear in ${config.dataDir}/admin-password is now stored only as a hash; the file is removed`);
  }
  await pod.startFederation();
  console.log(`[${config.name}] listening on ${config.publicUrl} (bound to ${config.listen}:${pod.port}), data in ${config.dataDir}, log on ${config.database === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`);
  let stopping = false;
  // SIGTERM (systemd, an orchestrator): /readyz turns 503 at once, new connections are refused,
  // requests in flight (an upload streaming in) finish and their events commit, then the store
  // closes. What is still running after shutdownTimeoutSeconds is cut: the process exits anyway.
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const limit = config.shutdownTimeoutSeconds;
    console.log(`[${config.name}] ${signal}: stopping (requests in flight get ${limit} s)`);
    setTimeout(() => {
      console.error(`[${config.name}] not stopped within shutdownTimeoutSeconds (${limit} s): exiting anyway`);
      process.exit(1);
    }, limit * 1000).unref();
    await pod.close();
    console.log(`[${config.name}] stopped`);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

function fail(message: string, exitCode = 1): never {
  console.error(`swarmtube: ${message}`);
  process.exit(exitCode);
}

main().catch((error: unknown) => {
  const code = (error as { code?: unknown })?.code;
  if (error instanceof ConfigError || typeof code === 'string') fail((error as Error).message, error instanceof ConfigError ? 2 : 1);
  console.error(error);
  process.exit(1);
});

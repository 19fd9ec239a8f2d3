import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ConfigError, loadPodConfig } from './config/pod-config.js';
import { startPodApp } from './pod-app.js';
import { PodRuntime } from './pod-runtime.js';

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
  const runtime = await PodRuntime.open(config);
  if (runtime.adminPassword.generated) {
    console.log(`[${config.name}] admin "root", password ${runtime.adminPassword.password} (kept in ${runtime.adminPassword.path})`);
  }
  const pod = await startPodApp(runtime);
  await runtime.startFederation();
  console.log(`[${config.name}] listening on ${config.publicUrl} (bound to ${config.listen}:${pod.port}), data in ${config.dataDir}, log on ${config.database === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[${config.name}] ${signal}: stopping`);
    await pod.close();
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

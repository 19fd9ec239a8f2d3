import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';

const POD_MAIN = join(fileURLToPath(new URL('../', import.meta.url)), 'main.js');

/** `node main.js --config FILE` as an admin runs it; resolves with its exit code and what it printed. */
async function runPod(yaml: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stderr: string; dataDir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'swarmtube-badconfig-'));
  const file = join(dir, 'bad.yaml');
  const dataDir = join(dir, 'data');
  writeFileSync(file, `dataDir: ${dataDir}\nport: 0\n${yaml}`);
  const child = spawn(process.execPath, [POD_MAIN, '--config', file], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdout.resume();
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stderr, dataDir };
}

describe('a pod started with a bad configuration', () => {
  for (const [what, yaml, env, message] of [
    ['a typo one level down', 'friends: { autoAcept: false }\n', {}, /unknown key "friends.autoAcept": did you mean "friends.autoAccept"\?/],
    ['a value out of range', 'health: { threshold: 5000 }\n', {}, /config key "health.threshold": out of range: expected 0 to 1000 \(got 5000\)/],
    ['a typo in an environment variable', '', { SWARMTUBE_HEALTH_PROBE_INTERVAL_SECOND: '5' }, /unknown environment variable SWARMTUBE_HEALTH_PROBE_INTERVAL_SECOND: did you mean SWARMTUBE_HEALTH_PROBE_INTERVAL_SECONDS\?/],
  ] as const) {
    test(`exits 2 naming the key, before opening anything: ${what}`, async () => {
      const { code, stderr, dataDir } = await runPod(yaml, env);
      assert.equal(code, 2, stderr);
      assert.match(stderr, message);
      assert.match(stderr, /^swarmtube: /);
      assert.doesNotMatch(stderr, /\n\s+at /, 'a message, not a stack trace');
      assert.equal(existsSync(dataDir), false, 'nothing written: no data folder, no keys');
    });
  }
});

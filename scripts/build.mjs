#!/usr/bin/env node
// Builds everything into dist/ with the project's own binaries:
//   server: `tsc -p .`: the pod, the libraries, the tests and the benchmarks
//           (dist/apps, dist/libs, dist/test, dist/bench), then `tsc-alias`: the libraries'
//           names (@swarmtube/*) rewritten to relative paths;
//   web:    type-checks the Vue site and bundles it with `vite build` (dist/web).
// Flags: --server or --web to build one part only (bootstrap passes what changed);
// --stamp <ms>: the time the build started, recorded in dist/.build-stamp.
// The steps run side by side; each one's output is printed when it ends.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const bin = (name) => join(root, 'node_modules', '.bin', name);
const args = process.argv.slice(2);
const stampArg = args.indexOf('--stamp');
const started = stampArg >= 0 ? Number(args[stampArg + 1]) : Date.now();
const only = args.includes('--server') !== args.includes('--web');
const server = !only || args.includes('--server');
const web = !only || args.includes('--web');

// Steps write into pipes: keep colours exactly when this script writes to a terminal.
const tty = Boolean(process.stdout.isTTY);
const colorEnv = { ...process.env };
if (tty) colorEnv.FORCE_COLOR = '1';
else {
  delete colorEnv.FORCE_COLOR; // any value, even 0, turns colours on in picocolors
  colorEnv.NO_COLOR = '1';
}
const pretty = ['--pretty', String(tty)];

/** Runs one step; resolves to true when it passed. Its output is printed in one piece. */
function step(label, command, stepArgs) {
  return new Promise((resolve) => {
    if (!existsSync(command)) {
      console.error(`build: ${relative(root, command)} is missing: run \`npm run bootstrap\``);
      return resolve(false);
    }
    const t = Date.now();
    // The tools' bins are scripts: run them with this Node (the bootstrap's), not the one
    // their `#!/usr/bin/env node` line would find.
    const child = spawn(process.execPath, [command, ...stepArgs], { cwd: root, env: colorEnv });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => {
      console.error(`build: ${label}: ${error.message}`);
      resolve(false);
    });
    child.on('close', (status) => {
      // A failed step's output goes to stderr with its status line, so the two stay together.
      const stream = status === 0 ? process.stdout : process.stderr;
      if (output.trim()) stream.write(output.endsWith('\n') ? output : output + '\n');
      const seconds = ((Date.now() - t) / 1000).toFixed(1);
      if (status === 0) console.log(`build: ${label} ok (${seconds} s)`);
      else console.error(`build: ${label} FAILED (exit ${status}, ${seconds} s)`);
      resolve(status === 0);
    });
  });
}

const emitted = ['apps', 'libs', 'test', 'bench'].map((d) => join(root, 'dist', d));

async function buildServer() {
  // tsc's incremental state (dist/.tsbuildinfo) does not notice deleted outputs: forget it
  // when they are gone, or tsc would emit nothing.
  if (!emitted.some((d) => existsSync(d))) rmSync(join(root, 'dist', '.tsbuildinfo'), { force: true });
  const ok = await step('tsc -p .', bin('tsc'), ['-p', '.', ...pretty]);
  // The libraries' names (@swarmtube/*, tsconfig.json's paths) become relative paths in
  // dist/: Node resolves the compiled ESM by file, not by tsconfig.
  const aliased = ok && (await step('tsc-alias', bin('tsc-alias'), ['-p', 'tsconfig.json']));
  removeStaleOutputs();
  return ok && aliased;
}

function buildWeb() {
  // vue-tsc checks the .vue files too; without it plain tsc checks the .ts files and sees
  // .vue files through the shim in apps/web/src/env.d.ts.
  const check = existsSync(bin('vue-tsc'))
    ? step('vue-tsc (apps/web)', bin('vue-tsc'), ['--noEmit', '-p', 'apps/web/tsconfig.json', ...pretty])
    : step('tsc (apps/web, .ts files)', bin('tsc'), ['--noEmit', '-p', 'apps/web/tsconfig.json', ...pretty]);
  // (apps/web/tsconfig.node.json, for vite.config.ts, serves editors: vite loads the config.)
  return Promise.all([
    check,
    step('vite build (apps/web → dist/web)', bin('vite'), ['build', 'apps/web', '--logLevel', 'warn']),
  ]).then((results) => results.every(Boolean));
}

const results = await Promise.all([server ? buildServer() : true, web ? buildWeb() : true]);
if (!results.every(Boolean)) {
  console.error('build: FAILED (see the errors above)');
  process.exit(1);
}

// The stamp tells bootstrap when the last build saw every source. A partial build run by
// hand must not move it; bootstrap passes --stamp when the other part is known current.
if (!only || stampArg >= 0) {
  mkdirSync(join(root, 'dist'), { recursive: true });
  const stamp = join(root, 'dist', '.build-stamp');
  writeFileSync(stamp, new Date(started).toISOString() + '\n');
  utimesSync(stamp, started / 1000, started / 1000);
}

/**
 * A source file that was deleted or renamed leaves its compiled .js behind, and a stale
 * *.spec.js would still be run by scripts/run-tests.mjs: remove every output whose source is gone.
 */
function removeStaleOutputs() {
  let removed = 0;
  const walk = (dir) => {
    let entries;
    try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) { walk(path); continue; }
      const match = /^(.*)\.(js|js\.map|d\.ts)$/.exec(entry.name);
      if (!match) continue;
      const base = join(root, relative(join(root, 'dist'), dir), match[1]);
      if (!['.ts', '.mts', '.tsx', '.js', '.mjs'].some((ext) => existsSync(base + ext))) {
        rmSync(path);
        removed++;
      }
    }
  };
  for (const dir of emitted) if (existsSync(dir) && statSync(dir).isDirectory()) walk(dir);
  if (removed > 0) console.log(`build: removed ${removed} stale file(s) from dist/`);
}

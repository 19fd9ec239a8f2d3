#!/usr/bin/env node
// Builds everything into dist/: the pod, the libraries, the tests and the benchmarks with
// `tsc -p .` (dist/apps, dist/libs, dist/test, dist/bench), then the Vue site with
// `vite build` (dist/web). Also type-checks the site. Uses the project's own binaries.
// Flags: --stamp <ms> (from bootstrap: the time the build started, written to dist/.build-stamp).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const bin = (name) => join(root, 'node_modules', '.bin', name);
const stampArg = process.argv.indexOf('--stamp');
const started = stampArg > 0 ? Number(process.argv[stampArg + 1]) : Date.now();

function step(label, command, args) {
  if (!existsSync(command)) fail(`${relative(root, command)} is missing: run \`npm ci\` (or \`npm run bootstrap\`)`);
  const t = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.error) fail(`${label}: ${result.error.message}`);
  if (result.status !== 0) fail(`${label} failed (exit ${result.status})`);
  console.log(`build: ${label} ok (${((Date.now() - t) / 1000).toFixed(1)} s)`);
}
function fail(message) {
  console.error(`build: FAILED: ${message}`);
  process.exit(1);
}

// 1. Server side. tsc's incremental state (dist/.tsbuildinfo) does not notice deleted
// outputs: forget it when they are gone, or tsc would emit nothing.
const emitted = ['apps', 'libs', 'test', 'bench'].map((d) => join(root, 'dist', d));
if (!emitted.some((d) => existsSync(d))) rmSync(join(root, 'dist', '.tsbuildinfo'), { force: true });
step('tsc -p .', bin('tsc'), ['-p', '.']);
removeStaleOutputs();

// 2. The site: type-check, then bundle.
if (existsSync(bin('vue-tsc'))) {
  step('vue-tsc (apps/web)', bin('vue-tsc'), ['--noEmit', '-p', 'apps/web/tsconfig.json']);
} else {
  // Without vue-tsc, plain tsc checks the .ts files; .vue files are only bundled.
  step('tsc (apps/web, .ts files)', bin('tsc'), ['--noEmit', '-p', 'apps/web/tsconfig.json']);
}
step('tsc (apps/web/vite.config.ts)', bin('tsc'), ['--noEmit', '-p', 'apps/web/tsconfig.node.json']);
step('vite build (apps/web → dist/web)', bin('vite'), ['build', 'apps/web', '--logLevel', 'warn']);

mkdirSync(join(root, 'dist'), { recursive: true });
const stamp = join(root, 'dist', '.build-stamp');
writeFileSync(stamp, new Date(started).toISOString() + '\n');
utimesSync(stamp, started / 1000, started / 1000);

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

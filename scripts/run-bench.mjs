#!/usr/bin/env node
// Runs the compiled benchmarks one after another, each in its own process, and prints their
// output: every dist/bench/*.bench.js, or the ones named on the command line
// (`npm run bench -- event-store`, `… bench/event-store.bench.ts`, `… dist/bench/x.bench.js`).
// Exits non-zero when any benchmark failed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const benchDir = join(root, 'dist', 'bench');
const all = existsSync(benchDir)
  ? readdirSync(benchDir).filter((name) => name.endsWith('.bench.js')).sort().map((name) => join(benchDir, name))
  : [];

const wanted = process.argv.slice(2);
let files = all;
if (wanted.length > 0) {
  files = wanted.map((arg) => {
    const name = basename(arg).replace(/\.(ts|js)$/, '').replace(/\.bench$/, '');
    const path = join(benchDir, `${name}.bench.js`);
    if (!existsSync(path)) {
      console.error(`bench: no ${relative(root, path)} (have: ${all.map((f) => basename(f)).join(', ') || 'none'})`);
      process.exit(2);
    }
    return path;
  });
}
if (files.length === 0) {
  console.log('bench: no benchmarks found (dist/bench/*.bench.js)');
  process.exit(0);
}

const failed = [];
for (const file of files) {
  const label = relative(root, file);
  console.log(`\n=== ${label}`);
  const t = Date.now();
  const result = spawnSync(process.execPath, ['--enable-source-maps', file], {
    cwd: root,
    stdio: 'inherit',
  });
  const status = result.error ? result.error.message : result.status ?? result.signal;
  const seconds = ((Date.now() - t) / 1000).toFixed(1);
  if (status !== 0) failed.push(label);
  console.log(`=== ${label}: ${status === 0 ? 'done' : `FAILED (${status})`} in ${seconds} s`);
}
console.log(`\nbench: ${files.length - failed.length} of ${files.length} benchmarks passed${failed.length ? `; failed: ${failed.join(', ')}` : ''}`);
process.exit(failed.length ? 1 : 0);

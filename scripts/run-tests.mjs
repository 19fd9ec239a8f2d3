#!/usr/bin/env node
// Runs ESLint, then every compiled test file (*.unit.spec.js, *.int.spec.js, *.e2e.spec.js) with node's
// own test runner. Unit and integration tests first, multi-pod scenarios after.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

function find(dir, pattern, out = []) {
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) find(path, pattern, out);
    else if (pattern.test(name)) out.push(path);
  }
  return out;
}

const filter = process.argv[2] ? new RegExp(process.argv[2]) : null;
// The whole suite starts with the linter (a filtered run is a developer's quick check).
if (!filter) {
  const lint = spawnSync(process.execPath, [join('node_modules', 'eslint', 'bin', 'eslint.js'), '.', '--cache', '--cache-location', join('dist', '.eslintcache')], { stdio: 'inherit' });
  if (lint.status !== 0) {
    console.error('lint failed: fix the findings above (npm run lint)');
    process.exit(lint.status ?? 1);
  }
}
const files = find('dist', /\.(unit|int|e2e)\.spec\.js$/)
  .filter((f) => !filter || filter.test(f))
  .sort((a, b) => tier(a) - tier(b) || a.localeCompare(b));
function tier(f) { return f.includes('.unit.') ? 0 : f.includes('.int.') ? 1 : 2; }
if (!filter || filter.test('apps/web/vitest')) { const web = spawnSync(process.execPath, [join('node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', join('apps', 'web', 'vitest.config.ts')], { stdio: 'inherit' }); if (web.status !== 0) process.exit(web.status ?? 1); if (files.length === 0) process.exit(0); } // the site's component tests (Vitest, happy-dom) first

if (files.length === 0) {
  console.error('no test files found under dist/: did the build run?');
  process.exit(1);
}
// Every test process reads only the checkout: a spec reading a file beside it fails
// (libs/testing/src/confined-reads.ts; test/fixtures/ holds what specs compare with).
const confined = pathToFileURL(join('dist', 'libs', 'testing', 'src', 'confined-reads.register.js')).href;
const result = spawnSync(process.execPath, ['--enable-source-maps', '--import', confined, '--test', '--test-concurrency=2', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'test' },
});
process.exit(result.status ?? 1);

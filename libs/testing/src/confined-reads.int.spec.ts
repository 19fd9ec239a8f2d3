import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { besideCheckout, OUTSIDE_CODE } from './confined-reads.js';
import { repositoryRoot } from './reference-fixtures.js';

describe('specs read only the checkout (confined-reads)', () => {
  test('a path beside the checkout is refused; the checkout, the temp folder and the system are not', () => {
    const root = '/home/dev/src/swarmtube';
    const temp = '/tmp';
    for (const path of ['../shared/reference/activitypub/nodeinfo/schema-2.1.json', '/home/dev/src/shared/x.json', '/home/dev/src/other-clone/package.json', 'test/../../shared/x', '/home/dev/src']) {
      assert.equal(besideCheckout(path, root, temp), true, path);
    }
    for (const path of ['test/fixtures/nodeinfo/schema-2.1.json', '/home/dev/src/swarmtube/node_modules/x/package.json', '/tmp/swarmtube-pod-1/log.db', '/usr/bin/chromium', '/proc/self/stat', '/etc/hosts', '/home/dev/.npmrc', '/home/dev/src/.cache/x', '/home/dev/other/x']) {
      assert.equal(besideCheckout(path, root, temp), false, path);
    }
  });

  test('a tool looked up on PATH beside the checkout is not a fixture (npm puts ../node_modules/.bin on PATH)', () => {
    const root = '/work/swarmtube';
    const path = ['/work/swarmtube/node_modules/.bin', '/work/node_modules/.bin', '/node_modules/.bin', '/usr/bin'];
    assert.equal(besideCheckout('/work/node_modules/.bin/ffmpeg', root, '/tmp', path), false);
    assert.equal(besideCheckout('/work/shared/x.json', root, '/tmp', path), true);
    assert.equal(besideCheckout('/work/node_modules/.bin/ffmpeg', root, '/tmp', []), true);
  });

  test('a checkout right under / has the system folders beside it, and those stay readable', () => {
    assert.equal(besideCheckout('/shared/reference/x.json', '/repo', '/tmp'), true);
    for (const path of ['/usr/lib/x', '/etc/hosts', '/tmp/x', '/proc/1/stat', '/home/dev/x']) assert.equal(besideCheckout(path, '/repo', '/tmp'), false, path);
  });

  describe('in a test process, with the hook loaded as scripts/run-tests.mjs loads it', () => {
    // A layout of its own (a checkout with a `shared` folder beside it, and a temp folder
    // elsewhere), so that this holds wherever this checkout is, a clone in /tmp included.
    const dir = mkdtempSync(join(tmpdir(), 'swarmtube-confined-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const checkout = join(dir, 'work', 'swarmtube');
    const temp = join(dir, 'tmp');
    for (const folder of [join(checkout, 'test', 'fixtures'), join(dir, 'work', 'shared'), temp]) mkdirSync(folder, { recursive: true });
    writeFileSync(join(checkout, 'test', 'fixtures', 'schema.json'), '{}');
    writeFileSync(join(dir, 'work', 'shared', 'schema.json'), '{}');
    writeFileSync(join(temp, 'scratch.txt'), 'x');
    const hook = `data:text/javascript,import { confineReads } from ${JSON.stringify(new URL('./confined-reads.js', import.meta.url).href)}; confineReads(${JSON.stringify(checkout)});`;

    /** Runs `body` as a test file of the checkout under `node --import <hook> --test`. */
    function runSpec(body: string) {
      const file = join(checkout, `probe-${Math.random().toString(36).slice(2)}.test.mjs`);
      writeFileSync(file, `import { test } from 'node:test';\nimport { readFileSync, existsSync } from 'node:fs';\nimport { readFile } from 'node:fs/promises';\n${body}\n`);
      // TMPDIR: the probe's temp folder is not the one that holds this layout. Without
      // NODE_TEST_CONTEXT, which would make it report to this runner instead of stdout.
      const { NODE_TEST_CONTEXT: _context, ...env } = process.env;
      return spawnSync(process.execPath, ['--import', hook, '--test', '--test-reporter=tap', file], { cwd: checkout, encoding: 'utf8', timeout: 60_000, env: { ...env, TMPDIR: temp } });
    }

    test('a spec that reads ../shared fails, even when it catches the error', () => {
      const beside = JSON.stringify('../shared/schema.json');
      const result = runSpec(`test('reads beside', async () => {
        try { readFileSync(${beside}); } catch (error) { if (error.code !== ${JSON.stringify(OUTSIDE_CODE)}) throw error; }
        await readFile(new URL(${beside}, import.meta.url)).catch(() => {});
        try { existsSync(${beside}); } catch {}
      });`);
      assert.notEqual(result.status, 0, result.stdout);
      // The test runner passes the file's stderr on in its own report.
      const output = result.stdout + result.stderr;
      assert.match(output, /a test read \S+\/work\/shared\/schema\.json, outside the repository/);
      assert.match(output, /3 read\(s\) outside the repository/, 'each way of reading is caught');
      assert.match(result.stdout, /^ok 1 - reads beside$/m, 'its one test passed');
      assert.match(result.stdout, /^# fail 1$/m, 'and the file failed');
    });

    test('a spec that reads the checkout, its fixtures, the temp folder and the system passes', () => {
      const result = runSpec(`test('reads inside', async () => {
        JSON.parse(readFileSync('test/fixtures/schema.json', 'utf8'));
        await readFile(${JSON.stringify(join(temp, 'scratch.txt'))});
        if (!existsSync('/etc/hosts') && !existsSync('/proc/self')) throw new Error('no system folders?');
      });`);
      assert.equal(result.status, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /^# pass 1$/m);
    });
  });

  test('no compiled module climbs out of the checkout with new URL(…, import.meta.url)', () => {
    // What the two specs that read ../shared did; this finds it without running them, and in
    // a checkout inside the temp folder too (where the hook cannot tell a test's own temp
    // folders from what lies beside the checkout).
    const root = repositoryRoot();
    const climbing = /new URL\(\s*(['"`])((?:\.\.\/)+[^'"`]*)\1\s*,\s*import\.meta\.url\s*\)/g;
    const escapes: string[] = [];
    for (const file of sources(root)) {
      const source = readFileSync(join(root, file), 'utf8');
      for (const match of source.matchAll(climbing)) {
        // tsc writes <file>.js at the same place under dist/, where the tests run.
        const target = resolve(dirname(join(root, 'dist', file)), match[2]);
        const rel = relative(root, target);
        if (rel.startsWith('..') || isAbsolute(rel)) escapes.push(`${file}: ${match[0]} -> ${target}`);
      }
    }
    assert.deepEqual(escapes, []);
  });
});

/** The TypeScript files tsc compiles into dist/ (tsconfig.json's include), relative to root. */
function sources(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'fixtures') walk(path);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
    }
  };
  walk(join('apps', 'pod', 'src'));
  for (const lib of readdirSync(join(root, 'libs'))) if (existsSync(join(root, 'libs', lib, 'src'))) walk(join('libs', lib, 'src'));
  walk('test');
  walk('bench');
  assert.ok(out.length > 100, `only ${out.length} sources found under ${root}`);
  return out;
}

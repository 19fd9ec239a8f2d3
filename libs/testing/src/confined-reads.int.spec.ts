import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  test('a checkout right under / has the system folders beside it, and those stay readable', () => {
    assert.equal(besideCheckout('/shared/reference/x.json', '/repo', '/tmp'), true);
    for (const path of ['/usr/lib/x', '/etc/hosts', '/tmp/x', '/proc/1/stat', '/home/dev/x']) assert.equal(besideCheckout(path, '/repo', '/tmp'), false, path);
  });

  describe('in a test process started as scripts/run-tests.mjs starts them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'swarmtube-confined-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const register = new URL('./confined-reads.register.js', import.meta.url).href;
    const root = repositoryRoot();

    /** Runs `body` as a test file under `node --import register --test`. */
    function runSpec(body: string) {
      const file = join(dir, `probe-${Math.random().toString(36).slice(2)}.test.mjs`);
      writeFileSync(file, `import { test } from 'node:test';\nimport { readFileSync, existsSync } from 'node:fs';\nimport { readFile } from 'node:fs/promises';\n${body}\n`);
      // Without NODE_TEST_CONTEXT, which would make it report to this runner instead of stdout.
      const { NODE_TEST_CONTEXT: _context, ...env } = process.env;
      return spawnSync(process.execPath, ['--import', register, '--test', '--test-reporter=tap', file], { encoding: 'utf8', timeout: 60_000, env });
    }

    test('a spec that reads ../shared fails, even when it catches the error', () => {
      const beside = JSON.stringify(join(root, '..', 'shared', 'reference', 'x.json'));
      const result = runSpec(`test('reads beside', async () => {
        try { readFileSync(${beside}); } catch (error) { if (error.code !== ${JSON.stringify(OUTSIDE_CODE)}) throw error; }
        await readFile(${beside}).catch(() => {});
        existsSync(${beside});
      });`);
      assert.notEqual(result.status, 0, result.stdout);
      assert.match(result.stdout + result.stderr, /outside the repository/);
      assert.match(result.stdout, /^# fail 1$/m, 'the file fails although its one test passed');
    });

    test('a spec that reads the checkout, its fixtures and the temp folder passes', () => {
      const inside = JSON.stringify(join(root, 'test', 'fixtures', 'nodeinfo', 'schema-2.1.json'));
      const temp = JSON.stringify(join(dir, 'scratch.txt'));
      writeFileSync(join(dir, 'scratch.txt'), 'x');
      const result = runSpec(`test('reads inside', async () => {
        JSON.parse(readFileSync(${inside}, 'utf8'));
        await readFile(${temp});
        if (!existsSync('/etc/hosts') && !existsSync('/proc/self')) throw new Error('no system folders?');
      });`);
      assert.equal(result.status, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /^# pass 1$/m);
    });
  });
});

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ESLint } from 'eslint';
import { findRepositoryRoot } from '../apps/pod/src/repository-root.js';

/**
 * The project's own lint rules (eslint.config.js), on code written as a new file of the tree
 * would be: deep imports into a library, and `any` in domain and projection code.
 */
const root = findRepositoryRoot();
const eslint = new ESLint({ cwd: root });

async function findings(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return result!.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

describe('lint: a library is entered through its index', () => {
  const deep = ['no-restricted-imports'];

  test('from the pod, the site, tests and benchmarks: index.js (or browser.js), nothing deeper', async () => {
    assert.deepEqual(await findings('apps/pod/src/new-use-case.ts', "export { openSqliteEventStore } from '../../../libs/event-store/src/sqlite/sqlite-event-store.js';\n"), deep);
    assert.deepEqual(await findings('apps/pod/src/new-use-case.ts', "export { openSqliteEventStore } from '../../../libs/event-store/src/index.js';\n"), []);
    assert.deepEqual(await findings('apps/web/src/new-page.ts', "export { canonicalize } from '../../../libs/event-envelope/src/jcs.js';\n"), deep);
    assert.deepEqual(await findings('apps/web/src/new-page.ts', "export { canonicalize } from '../../../libs/event-envelope/src/browser.js';\n"), []);
    assert.deepEqual(await findings('test/new.e2e.spec.ts', "export { bencode } from '../libs/torrent/src/bencode.js';\n"), deep);
    assert.deepEqual(await findings('bench/new.bench.ts', "export { bencode } from '../libs/torrent/src/index.js';\n"), []);
  });

  test('from another library: its index; within a library: anything', async () => {
    assert.deepEqual(await findings('libs/torrent/src/new.ts', "export { createTracker } from '../../tracker/src/tracker.js';\n"), deep);
    assert.deepEqual(await findings('libs/torrent/src/new.ts', "export { createTracker } from '../../tracker/src/index.js';\n"), []);
    assert.deepEqual(await findings('libs/torrent/src/new.ts', "export { bencode } from './bencode.js';\n"), []);
    assert.deepEqual(await findings('libs/event-store/src/sqlite/new.ts', "export { rowToStoredEvent } from '../shared/event-row.js';\n"), []);
  });

  test('the @swarmtube/* form: the package name only', async () => {
    assert.deepEqual(await findings('apps/pod/src/new-use-case.ts', "export { openEventStore } from '@swarmtube/event-store/src/sqlite/sqlite-event-store.js';\n"), deep);
    assert.deepEqual(await findings('apps/pod/src/new-use-case.ts', "export { openEventStore } from '@swarmtube/event-store';\n"), []);
  });
});

describe('lint: no any in domain and projection code', () => {
  const code = 'export const read = (event: { data: unknown }) => (event.data as any).name as string;\nexport type Row = Record<string, any>;\n';

  test('refused in a domain or a projection folder', async () => {
    assert.deepEqual(await findings('apps/pod/src/videos/domain/new-rule.ts', code), ['@typescript-eslint/no-explicit-any', '@typescript-eslint/no-explicit-any']);
    assert.deepEqual(await findings('apps/pod/src/projections/new-projection.ts', code), ['@typescript-eslint/no-explicit-any', '@typescript-eslint/no-explicit-any']);
  });

  test('allowed elsewhere (tests read untyped JSON)', async () => {
    assert.deepEqual(await findings('apps/pod/src/videos/commands/new.int.spec.ts', code), []);
  });
});

describe('lint: the pod writes through its logger', () => {
  test('console.* is refused in runtime code, allowed in the CLIs and tests', async () => {
    assert.deepEqual(await findings('apps/pod/src/videos/new-service.ts', "console.log('done');\n"), ['no-console']);
    assert.deepEqual(await findings('libs/tracker/src/new.ts', "console.error('oops');\n"), ['no-console']);
    assert.deepEqual(await findings('apps/pod/src/admin/admin.cli.ts', "console.log('done');\n"), []);
    assert.deepEqual(await findings('apps/pod/src/videos/new.int.spec.ts', "console.log('took 3 ms');\n"), []);
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { videoPublishedDraft } from '../../../libs/testing/src/event-fixtures.js';
import { tempDir } from '../../../libs/testing/src/test-databases.js';
import { startTestPod, type TestPod } from '../../../libs/testing/src/test-pod.js';

const MAIN = join(fileURLToPath(new URL('.', import.meta.url)), 'main.js');

async function problem(response: Response): Promise<{ code: string; status: number; detail: string }> {
  assert.equal(response.headers.get('content-type')?.split(';')[0], 'application/problem+json');
  return (await response.json()) as { code: string; status: number; detail: string };
}

describe('a pod over HTTP (SQLite)', () => {
  let pod: TestPod;
  before(async () => {
    pod = await startTestPod({ http: true });
    for (let i = 0; i < 25; i++) {
      const { stream, draft } = videoPublishedDraft();
      await pod.runtime.eventLog.append(stream, [draft], { expectedVersion: 'no-stream' });
    }
    await pod.runtime.projections.waitFor(26);
  });
  after(() => pod.destroy());

  test('GET /api/v1/pods answers before federation has started (a lone pod knows nobody)', async () => {
    const response = await fetch(`${pod.baseUrl}/api/v1/pods`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), []);
  });

  test('GET /api/v1/config names the pod', async () => {
    const response = await fetch(`${pod.baseUrl}/api/v1/config`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { host: 'localhost:9999', publicUrl: 'http://localhost:9999', name: 'Test pod', version: '0.1.0', signup: false });
  });

  test('the log starts with the pod\'s own PodJoined declaring its keys', async () => {
    const { events } = (await (await fetch(`${pod.baseUrl}/api/v1/events?limit=1`)).json()) as { events: any[] };
    assert.equal(events[0].type, 'PodJoined');
    assert.equal(events[0].originSeq, 1);
    assert.equal(events[0].prevHash, null);
    assert.equal(events[0].data.keys.ed25519Multibase, pod.runtime.keys.ed25519.publicKeyMultibase);
  });

  test('GET /api/v1/events pages through the log with next', async () => {
    const seen: number[] = [];
    let after = 0;
    for (;;) {
      const page = (await (await fetch(`${pod.baseUrl}/api/v1/events?after=${after}&limit=10`)).json()) as { events: any[]; next: number };
      if (page.events.length === 0) {
        assert.equal(page.next, after, 'an empty page gives back the same cursor');
        break;
      }
      seen.push(...page.events.map((e) => e.originSeq));
      after = page.next;
    }
    assert.deepEqual(seen, Array.from({ length: 26 }, (_, i) => i + 1));
  });

  test('NDJSON streams every event as its exact signed bytes, one per line', async () => {
    const response = await fetch(`${pod.baseUrl}/api/v1/events?after=20`, { headers: { accept: 'application/x-ndjson' } });
    assert.equal(response.headers.get('content-type')?.split(';')[0], 'application/x-ndjson');
    const lines = (await response.text()).trimEnd().split('\n');
    assert.equal(lines.length, 6);
    const stored = await pod.runtime.store.readAll({ after: 20, limit: 10 });
    assert.deepEqual(lines, stored.map((s) => s.body));
  });

  const hostileQueries = ['after=-1', 'after=abc', 'after=1e3', 'after=', 'after=99999999999999999999', 'limit=0', 'limit=1001', 'limit=10.5', 'after=1&after=2'];
  for (const query of hostileQueries) {
    test(`GET /api/v1/events?${query} is a 400 invalid-query`, async () => {
      const response = await fetch(`${pod.baseUrl}/api/v1/events?${query}`);
      assert.equal(response.status, 400);
      assert.equal((await problem(response)).code, 'invalid-query');
    });
  }

  test('/metrics shows the log head and no projection lag once caught up', async () => {
    const text = await (await fetch(`${pod.baseUrl}/metrics`)).text();
    assert.match(text, /^swarmtube_event_log_head_position 26$/m);
    assert.match(text, /^swarmtube_projection_lag_events\{projection="videos"\} 0$/m);
    assert.match(text, /^swarmtube_projection_failures_total\{projection="videos"\} 0$/m);
    assert.match(text, /^swarmtube_federation_rejected_events 0$/m);
    assert.match(text, /^swarmtube_event_store_commits \d+$/m);
  });

  test('the site is served at / and for its history-mode routes; unknown API paths are problem+json 404s', async () => {
    for (const path of ['/', '/admin/events', '/videos/watch/123']) {
      const response = await fetch(`${pod.baseUrl}${path}`, { headers: { accept: 'text/html' } });
      assert.equal(response.status, 200, path);
      assert.match(await response.text(), /<div id="app">/);
    }
    const response = await fetch(`${pod.baseUrl}/api/v1/nothing-here`, { headers: { accept: 'text/html' } });
    assert.equal(response.status, 404);
    assert.equal((await problem(response)).code, 'not-found');
  });

  test('a draft whose data breaks its schema is refused and nothing is appended', async () => {
    const head = await pod.runtime.store.headPosition();
    const { stream, draft } = videoPublishedDraft();
    (draft.data as Record<string, unknown>).tags = ['x'.repeat(500)];
    await assert.rejects(pod.runtime.eventLog.append(stream, [draft], { expectedVersion: 'no-stream' }), { code: 'schema-invalid' });
    await assert.rejects(pod.runtime.eventLog.append(stream, [{ type: 'VideoExploded', schemaVersion: 1, data: {} }], { expectedVersion: 'any' }), {
      code: 'unknown-event-type',
    });
    assert.equal(await pod.runtime.store.headPosition(), head);
  });
});

describe('a pod across restarts', () => {
  test('keeps its keys, does not announce itself twice and resumes its read models', async () => {
    const dir = tempDir();
    try {
      const first = await startTestPod({ dataDir: dir.path });
      const { stream, draft } = videoPublishedDraft();
      await first.runtime.eventLog.append(stream, [draft], { expectedVersion: 'no-stream' });
      const key = first.runtime.keys.ed25519.publicKeyMultibase;
      await first.stop();

      const second = await startTestPod({ dataDir: dir.path });
      assert.equal(second.runtime.keys.ed25519.publicKeyMultibase, key);
      assert.equal(await second.runtime.store.headPosition(), 2, 'no second PodJoined');
      await second.runtime.projections.waitFor(2);
      const rows = await second.runtime.store.readModels.query<{ uuid: string }>('SELECT uuid FROM rm_videos');
      assert.deepEqual(rows.map((r) => r.uuid), [(draft.data as { uuid: string }).uuid]);
      await second.stop();
    } finally {
      dir.remove();
    }
  });

  test('refuses to start with keys that are not the ones it announced', async () => {
    const dir = tempDir();
    try {
      await (await startTestPod({ dataDir: dir.path })).stop();
      rmSync(join(dir.path, 'keys'), { recursive: true });
      await assert.rejects(startTestPod({ dataDir: dir.path }), { code: 'key-mismatch' });
    } finally {
      dir.remove();
    }
  });

  test('refuses to start when its publicUrl names another actor than its log, naming both', async () => {
    const dir = tempDir();
    try {
      await (await startTestPod({ dataDir: dir.path, host: 'pod.test:9001' })).stop();
      // Same host, another scheme: another actor, another identity.
      await assert.rejects(startTestPod({ dataDir: dir.path, host: 'pod.test:9001', env: { SWARMTUBE_PUBLIC_URL: 'https://pod.test:9001' } }), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'actor-mismatch');
        assert.match(error.message, /"publicUrl"/);
        assert.match(error.message, /http:\/\/pod\.test:9001\/federation\/actor/);
        assert.match(error.message, /https:\/\/pod\.test:9001\/federation\/actor/);
        return true;
      });
      // Nothing was appended: the original start still works.
      const again = await startTestPod({ dataDir: dir.path, host: 'pod.test:9001' });
      assert.equal(await again.runtime.store.headPosition(), 1);
      await again.stop();
    } finally {
      dir.remove();
    }
  });

  test('a publicUrl that is not an absolute http(s) URL without a path stops the start, naming the key', () => {
    for (const publicUrl of ['video.example.org', 'https://video.example.org/pod', 'ftp://video.example.org']) {
      const dir = tempDir();
      try {
        const result = spawnSync(process.execPath, [MAIN], {
          env: { ...process.env, SWARMTUBE_DATA_DIR: dir.path, SWARMTUBE_PORT: '0', SWARMTUBE_PUBLIC_URL: publicUrl },
          encoding: 'utf8',
          timeout: 20_000,
        });
        assert.equal(result.status, 2, result.stderr);
        assert.match(result.stderr, /^swarmtube: config key "publicUrl": /m);
        assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
      } finally {
        dir.remove();
      }
    }
  });

  test('a pod on a corrupt database file exits with a clear message, not a stack trace', () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir.path, 'events.sqlite'), 'this is not a database, just forty bytes.'.repeat(200));
      const result = spawnSync(process.execPath, [MAIN], {
        env: { ...process.env, SWARMTUBE_DATA_DIR: dir.path, SWARMTUBE_PORT: '0' },
        encoding: 'utf8',
        timeout: 20_000,
      });
      assert.equal(result.status, 1);
      assert.match(result.stderr, /^swarmtube: .*events\.sqlite/m);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    } finally {
      dir.remove();
    }
  });

  test('a bad config file is a clear usage error', () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, 'pod.yaml');
      writeFileSync(file, 'port: lots\n');
      const result = spawnSync(process.execPath, [MAIN, '--config', file], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(result.status, 2);
      assert.match(result.stderr, /swarmtube: config key "port": expected a whole number/);
    } finally {
      dir.remove();
    }
  });
});

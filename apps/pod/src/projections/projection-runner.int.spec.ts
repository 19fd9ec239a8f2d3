import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { openEventStore } from '../../../../libs/event-store/src/index.js';
import type { StoredEvent } from '../../../../libs/event-store/src/event-store.port.js';
import { videoPublishedDraft } from '../../../../libs/testing/src/event-fixtures.js';
import { tempDir } from '../../../../libs/testing/src/test-databases.js';
import { createTestSealer } from '../../../../libs/testing/src/test-sealer.js';
import type { Projection } from './projection.js';
import { ProjectionRunner } from './projection-runner.js';
import { digestReadModel } from './read-model-digest.js';

/** Counts videos by their first tag; refuses (throws) on names containing "poison". */
function tagCounts(version = 1, options: { poisonSql?: boolean } = {}): Projection {
  return {
    name: 'tag_counts',
    version,
    tables: [{ name: 'rm_tag_counts', orderBy: 'tag' }],
    createTables: () => [{ sql: 'CREATE TABLE IF NOT EXISTS rm_tag_counts (tag TEXT PRIMARY KEY, videos INTEGER NOT NULL)' }],
    apply({ event }: StoredEvent) {
      if (event.type !== 'VideoPublished') return [];
      const data = event.data as { name: string; tags: string[] };
      if (data.name.includes('poison')) {
        if (options.poisonSql) return [{ sql: 'INSERT INTO no_such_table VALUES ($1)', params: [1] }];
        throw new Error(`cannot count ${data.name}`);
      }
      return [
        {
          sql: `INSERT INTO rm_tag_counts (tag, videos) VALUES ($1, 1) ON CONFLICT (tag) DO UPDATE SET videos = rm_tag_counts.videos + 1`,
          params: [data.tags[0]],
        },
      ];
    },
  };
}

async function openStore() {
  const dir = tempDir();
  const store = await openEventStore({ database: 'sqlite', dataDir: dir.path, sealer: createTestSealer() });
  return { store, dir };
}

async function publish(store: Awaited<ReturnType<typeof openStore>>['store'], names: Array<[name: string, tag: string]>) {
  for (const [name, tag] of names) {
    const { stream, draft } = videoPublishedDraft({ name, tags: [tag] });
    await store.append(stream, [draft], { expectedVersion: 'no-stream' });
  }
}

describe('projection runner', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  test('applies the log exactly once across restarts and resumes from its checkpoint', async () => {
    const { store, dir } = await openStore();
    cleanups.push(() => dir.remove());
    await publish(store, [['a one', 'cats'], ['a two', 'cats'], ['a three', 'dogs']]);
    const first = new ProjectionRunner(store, store.readModels, [tagCounts()]);
    await first.start();
    await first.waitFor(3);
    await first.stop();
    await publish(store, [['a four', 'cats']]);
    const second = new ProjectionRunner(store, store.readModels, [tagCounts()]);
    await second.start();
    await second.waitFor(4);
    await second.stop();
    await store.close();
    const reopened = await openEventStore({ database: 'sqlite', dataDir: dir.path, sealer: createTestSealer() });
    cleanups.push(() => reopened.close());
    assert.deepEqual(await reopened.readModels.query('SELECT tag, videos FROM rm_tag_counts ORDER BY tag'), [
      { tag: 'cats', videos: 3 },
      { tag: 'dogs', videos: 1 },
    ]);
  });

  for (const poisonSql of [false, true]) {
    test(`an event a projection cannot apply (${poisonSql ? 'bad SQL' : 'apply throws'}) is parked and counted; the rest is applied`, async () => {
      const { store, dir } = await openStore();
      cleanups.push(async () => {
        await store.close();
        dir.remove();
      });
      await publish(store, [['fine', 'cats'], ['poison pill', 'cats'], ['also fine', 'dogs']]);
      const failures: number[] = [];
      const runner = new ProjectionRunner(store, store.readModels, [tagCounts(1, { poisonSql })], {
        onFailure: (_name, event) => failures.push(event.position),
      });
      await runner.start();
      await runner.waitFor(3);
      assert.deepEqual(failures, [2]);
      assert.deepEqual(runner.status().map((s) => [s.name, s.checkpoint, s.failures, s.parked]), [['tag_counts', 3, 1, 1]]);
      assert.deepEqual(await store.readModels.query('SELECT tag, videos FROM rm_tag_counts ORDER BY tag'), [
        { tag: 'cats', videos: 1 },
        { tag: 'dogs', videos: 1 },
      ]);
      const parked = await store.readModels.query<{ position: number; error: string }>('SELECT position, error FROM projection_parked');
      assert.equal(parked.length, 1);
      assert.equal(parked[0].position, 2);
      // Events appended later still flow.
      await publish(store, [['later', 'dogs']]);
      await runner.waitFor(4);
      assert.deepEqual(await store.readModels.query("SELECT videos FROM rm_tag_counts WHERE tag = 'dogs'"), [{ videos: 2 }]);
      await runner.stop();
    });
  }

  test('a new projection version rebuilds its read model from position 0, to the same digest', async () => {
    const { store, dir } = await openStore();
    cleanups.push(async () => {
      await store.close();
      dir.remove();
    });
    await publish(store, [['x', 'cats'], ['y', 'dogs'], ['z', 'cats']]);
    const v1 = new ProjectionRunner(store, store.readModels, [tagCounts(1)]);
    await v1.start();
    await v1.waitFor(3);
    await v1.stop();
    const before = await digestReadModel(store.readModels, tagCounts(1));
    await store.readModels.execute([{ sql: "UPDATE rm_tag_counts SET videos = 99 WHERE tag = 'cats'" }]);
    const v2 = new ProjectionRunner(store, store.readModels, [tagCounts(2)]);
    await v2.start();
    await v2.waitFor(3);
    await v2.stop();
    assert.deepEqual(await digestReadModel(store.readModels, tagCounts(2)), before);
  });
});

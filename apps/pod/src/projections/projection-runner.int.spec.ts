import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { openEventStore } from '@swarmtube/event-store';
import type { StoredEvent } from '@swarmtube/event-store';
import { videoPublishedDraft } from '@swarmtube/testing';
import { tempDir } from '@swarmtube/testing';
import { createTestSealer } from '@swarmtube/testing';
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

/** tagCounts with an index on the counts, left out while a rebuild fills the table. */
function indexedTagCounts(version = 1): Projection {
  const base = tagCounts(version);
  const index = { sql: 'CREATE INDEX IF NOT EXISTS rm_tag_counts_videos ON rm_tag_counts (videos)' };
  return {
    ...base,
    createTables: () => [...base.createTables(), index],
    rebuild: { createTables: () => base.createTables(), finish: () => [index] },
  };
}

async function indexNames(store: Awaited<ReturnType<typeof openStore>>['store']): Promise<string[]> {
  const rows = await store.readModels.query<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'rm_tag_counts' AND sql IS NOT NULL`);
  return rows.map((row) => row.name);
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

  test('waitFor: a bounded wait for a position never reached fails, an unbounded one resolves once it is reached', async () => {
    const { store, dir } = await openStore();
    cleanups.push(() => dir.remove());
    const runner = new ProjectionRunner(store, store.readModels, [tagCounts()]);
    await runner.start();
    await assert.rejects(runner.waitFor(1, 50), /did not reach position 1 within 50 ms/);
    // The pod's start waits without a limit while a long log is rebuilt (Infinity is no 1 ms timer).
    const unbounded = runner.waitFor(1, Number.POSITIVE_INFINITY);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await publish(store, [['a late one', 'cats']]);
    await unbounded;
    await runner.stop();
    await store.close();
  });

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

  test('a rebuild fills the rebuild form and has the final form once it reaches the head it started from', async () => {
    const { store, dir } = await openStore();
    cleanups.push(async () => {
      await store.close();
      dir.remove();
    });
    await publish(store, [['x', 'cats'], ['y', 'dogs'], ['z', 'cats']]);
    const reference = new ProjectionRunner(store, store.readModels, [tagCounts(1)]);
    await reference.start();
    await reference.waitFor(3);
    await reference.stop();
    const before = await digestReadModel(store.readModels, tagCounts(1));

    const runner = new ProjectionRunner(store, store.readModels, [indexedTagCounts(2)], { batchSize: 1 });
    await runner.start();
    await runner.waitFor(3);
    assert.deepEqual(await indexNames(store), ['rm_tag_counts_videos']);
    assert.deepEqual(await store.readModels.query('SELECT name FROM projection_rebuilds'), []);
    assert.deepEqual(await digestReadModel(store.readModels, tagCounts(2)), before);
    // Later events go to the final form.
    await publish(store, [['w', 'dogs']]);
    await runner.waitFor(4);
    await runner.stop();
    assert.deepEqual(await store.readModels.query('SELECT tag, videos FROM rm_tag_counts ORDER BY tag'), [
      { tag: 'cats', videos: 2 },
      { tag: 'dogs', videos: 2 },
    ]);
  });

  test('a rebuild of an empty log takes the final form at once', async () => {
    const { store, dir } = await openStore();
    cleanups.push(async () => {
      await store.close();
      dir.remove();
    });
    const runner = new ProjectionRunner(store, store.readModels, [indexedTagCounts(1)]);
    await runner.start();
    await runner.stop();
    assert.deepEqual(await indexNames(store), ['rm_tag_counts_videos']);
    assert.deepEqual(await store.readModels.query('SELECT name FROM projection_rebuilds'), []);
  });

  test('a rebuild interrupted by a crash goes on in its rebuild form at the next start, then finishes', async () => {
    const { store, dir } = await openStore();
    cleanups.push(async () => {
      await store.close();
      dir.remove();
    });
    await publish(store, [['x', 'cats'], ['y', 'dogs'], ['z', 'cats']]);
    // What a crash after the first two events leaves: the rebuild form, its marker, a checkpoint at 2.
    const runner = new ProjectionRunner(store, store.readModels, [tagCounts(1)]);
    await runner.start();
    await runner.stop();
    await store.readModels.execute([
      { sql: 'DROP TABLE rm_tag_counts' },
      ...indexedTagCounts(7).rebuild!.createTables(),
      // 10, not 1: a rebuild that went on adds to it, one started over would not.
      { sql: "INSERT INTO rm_tag_counts (tag, videos) VALUES ('cats', 10), ('dogs', 1)" },
      { sql: "INSERT INTO projection_rebuilds (name, version) VALUES ('tag_counts', 7)" },
      { sql: "UPDATE projection_checkpoints SET version = 7, position = 2 WHERE name = 'tag_counts'" },
    ]);
    assert.deepEqual(await indexNames(store), []);

    const resumed = new ProjectionRunner(store, store.readModels, [indexedTagCounts(7)]);
    await resumed.start();
    await resumed.waitFor(3);
    await resumed.stop();
    assert.deepEqual(await indexNames(store), ['rm_tag_counts_videos']);
    assert.deepEqual(await store.readModels.query('SELECT name FROM projection_rebuilds'), []);
    assert.deepEqual(await store.readModels.query('SELECT tag, videos FROM rm_tag_counts ORDER BY tag'), [
      { tag: 'cats', videos: 11 },
      { tag: 'dogs', videos: 1 },
    ]);
  });
});

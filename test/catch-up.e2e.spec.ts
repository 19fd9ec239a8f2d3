import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EventDraft } from '../libs/event-envelope/src/envelope.js';
import { videoPublishedDraft, videoUpdatedDraft } from '../libs/testing/src/event-fixtures.js';
import { createPodProcess, waitUntil, type PodProcess } from '../libs/testing/src/pod-process.js';
import { dropSchema, TEST_POSTGRES_URL, uniqueSchema } from '../libs/testing/src/test-databases.js';
import { assertSameLogs, cleanUp, formNetwork, madeFriends, originHeads, quiescent } from './support/network.js';

/**
 * A friend that was down catches up, whatever the events weigh (issue 13): while it is stopped,
 * its origin appends 300 edits with 10,000-character descriptions in a 3-byte script and 300 in
 * ASCII (about 27 MB of activities to push: a description travels twice, in the Video object and
 * in the signed event). Restarted, the friend reaches the origin's head, the origin's push lag
 * to it returns to 0, and a pod that joins afterwards gets everything. Once with every pod on
 * SQLite, once with the friend on PostgreSQL.
 */

const EDITS = 300;
const DESCRIPTION_LENGTH = 10_000;
const actorOf = (pod: PodProcess) => `${pod.baseUrl}/federation/actor`;
/** These pods must not vote the stopped friend out: the scenario is about its return. */
const ENV = { SWARMTUBE_HEALTH_AUTO_VOTE: 'false' };

function description(n: number, character: string): string {
  return `${String(n).padStart(4, '0')} `.padEnd(DESCRIPTION_LENGTH, character);
}

/** Waits until the pod's read model shows `expected` as the video's description (read models follow the log). */
async function showsDescription(pod: PodProcess, uuid: string, expected: string): Promise<void> {
  let seen = '';
  try {
    await waitUntil(`${pod.name} to show the last edit`, async () => {
      seen = (await videoOf(pod, uuid))?.description ?? '';
      return seen === expected ? true : undefined;
    }, 120_000);
  } catch (error) {
    throw new Error(`${(error as Error).message}: it shows the edit ${seen.slice(0, 4)}, the last is ${expected.slice(0, 4)}`);
  }
}

async function videoOf(pod: PodProcess, uuid: string): Promise<{ description: string } | undefined> {
  const response = await fetch(`${pod.baseUrl}/api/v1/videos/${uuid}`);
  if (response.status !== 200) {
    await response.body?.cancel();
    return undefined;
  }
  return (await response.json()) as { description: string };
}

/** What the origin has acknowledged by `peer` (its delivery cursor), and its own head. */
async function pushLag(origin: PodProcess, peer: PodProcess): Promise<number> {
  const stats = await origin.federationStats();
  const head = (await originHeads(origin)).get(actorOf(origin)) ?? 0;
  const cursor = stats.peers.find((p) => p.actor === actorOf(peer))?.ackedSeq ?? 0;
  return head - cursor;
}

for (const database of ['sqlite', 'postgres'] as const) {
  describe(`catch-up of a friend that was down, with 10,000-character edits (friend on ${database})`, () => {
    let origin: PodProcess;
    let friend: PodProcess;
    let newcomer: PodProcess | undefined;
    const schema = uniqueSchema('catchup');

    before(async () => {
      origin = await createPodProcess({ name: 'Origin', driven: true, env: ENV });
      friend = await createPodProcess({
        name: 'Friend',
        driven: true,
        env: database === 'postgres' ? { ...ENV, SWARMTUBE_DATABASE: TEST_POSTGRES_URL, SWARMTUBE_DATABASE_SCHEMA: schema } : ENV,
      });
      await Promise.all([origin.start(), friend.start()]);
      await formNetwork([origin, friend]);
    }, { timeout: 120_000 });
    after(async () => {
      await cleanUp([origin, friend, ...(newcomer ? [newcomer] : [])].filter(Boolean));
      if (database === 'postgres') await dropSchema(schema);
    }, { timeout: 60_000 });

    test('the friend reaches the head, the push lag returns to 0, a newcomer gets everything', { timeout: 600_000 }, async (t) => {
      const { stream, draft } = videoPublishedDraft({ host: origin.host });
      const uuid = (draft.data as { uuid: string }).uuid;
      await origin.append(stream, [draft]);
      await waitUntil('the friend to hold the video', () => videoOf(friend, uuid), 60_000);

      await friend.stop();
      const edits: EventDraft[] = [
        ...Array.from({ length: EDITS }, (_, i) => videoUpdatedDraft(uuid, { description: description(i, '视') })),
        ...Array.from({ length: EDITS }, (_, i) => videoUpdatedDraft(uuid, { description: description(EDITS + i, 'a') })),
      ];
      // Fifty at a time: one IPC message stays a few MB.
      for (let i = 0; i < edits.length; i += 50) await origin.append(stream, edits.slice(i, i + 50));
      const head = (await originHeads(origin)).get(actorOf(origin))!;
      const last = edits[edits.length - 1].data as { description: string };

      const restarted = performance.now();
      await friend.start();
      await waitUntil("the friend to reach the origin's head", async () => (((await originHeads(friend)).get(actorOf(origin)) ?? 0) >= head ? true : undefined), 300_000);
      const caughtUp = performance.now();
      await showsDescription(friend, uuid, last.description);
      await waitUntil("the origin's push lag to the friend to return to 0", async () => ((await pushLag(origin, friend)) === 0 ? true : undefined), 300_000);
      const lagZero = performance.now();

      newcomer = await createPodProcess({ name: 'Newcomer', driven: true, env: ENV });
      await newcomer.start();
      const joined = performance.now();
      await madeFriends(newcomer, [origin.host]);
      try {
        await waitUntil("the newcomer to reach the origin's head", async () => (((await originHeads(newcomer!)).get(actorOf(origin)) ?? 0) >= head ? true : undefined), 300_000);
      } catch (error) {
        const held = (await originHeads(newcomer).catch(() => new Map())).get(actorOf(origin));
        throw new Error(`${(error as Error).message} (it holds ${held} of ${head})\n--- origin:\n${origin.output().slice(-4000)}\n--- newcomer:\n${newcomer.output().slice(-4000)}`);
      }
      const newcomerDone = performance.now();
      await showsDescription(newcomer, uuid, last.description);
      await quiescent([origin, friend, newcomer], 300_000);
      assert.equal(await pushLag(origin, friend), 0);
      assert.equal(await pushLag(origin, newcomer), 0);
      await assertSameLogs([origin, friend, newcomer]);
      t.diagnostic(
        `${edits.length} edits (${head} events of the origin); friend caught up ${Math.round(caughtUp - restarted)} ms after its restart began, ` +
          `push lag 0 after ${Math.round(lagZero - restarted)} ms; newcomer had everything ${Math.round(newcomerDone - joined)} ms after it started`,
      );
    });
  });
}

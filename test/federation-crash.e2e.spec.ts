import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EventDraft } from '@swarmtube/event-envelope';
import { videoPublishedDraft, videoUpdatedDraft } from '@swarmtube/testing';
import type { PodProcess } from '@swarmtube/testing';
import { assertSameAudits, assertSameLogs, cleanUp, formNetwork, originHeads, quiescent, startPods } from './support/network.js';

/**
 * Crash safety and catch-up: pod 3 is killed (SIGKILL) while pod 1 appends a burst of events,
 * pod 1 is killed in the middle of delivering them (pod 2 is frozen meanwhile, so deliveries are
 * certain to be pending), both restart, and after quiescence every
 * pod holds every event exactly once: pod 1 resumed from its saved cursors (friends recognise
 * what it sends again by id) and pod 3 caught up by itself.
 */
const actorOf = (pod: PodProcess) => `${pod.baseUrl}/federation/actor`;

/** One append of `count` events in one video's stream: its VideoPublished, then updates. */
function videoHistory(host: string, count: number): { stream: string; drafts: EventDraft[] } {
  const { stream, draft } = videoPublishedDraft({ host });
  const uuid = (draft.data as { uuid: string }).uuid;
  const updates = Array.from({ length: count - 1 }, (_, i) => videoUpdatedDraft(uuid, { name: `take ${i + 2}` }));
  return { stream, drafts: [draft, ...updates] };
}

describe('crash safety and catch-up in a three-pod network', () => {
  let pods: PodProcess[] = [];
  let one: PodProcess;
  let two: PodProcess;
  let three: PodProcess;

  before(async () => {
    pods = await startPods(3);
    [one, two, three] = pods;
    await formNetwork(pods);
  });
  after(() => cleanUp(pods));

  test('pod 3 killed during a burst on pod 1, pod 1 killed mid-delivery: after restarts every pod holds every event once', async (t) => {
    const acknowledged = new Set<string>();
    const append = async (pod: PodProcess, item: { stream: string; drafts: EventDraft[] }) => {
      for (const { id } of await pod.append(item.stream, item.drafts)) acknowledged.add(id);
    };
    const base = (await originHeads(two)).get(actorOf(one)) ?? 0;
    const started = Date.now();
    const appendFailedBecausePod1Died = (error: Error) =>
      assert.match(error.message, /exited|not a running driven pod/, 'an append fails only because pod 1 died');

    // The burst: 300 events in several appends, some of them concurrent. The first 100 reach everyone.
    await Promise.all([25, 25, 25, 25].map((n) => append(one, videoHistory(one.host, n))));
    // Pod 2 hangs (SIGSTOP): pod 1's deliveries to it wait unanswered, so pod 1 is certain to die
    // with events left to deliver, whatever the speed of the machine.
    two.freeze();
    let pod2HeadAtKill = 0;
    try {
      await three.kill();
      await Promise.all(Array.from({ length: 50 }, () => append(one, videoHistory(one.host, 1))));
      await append(one, videoHistory(one.host, 50));
      // Pod 1 is killed while the last appends are in flight: those it committed are in its log,
      // the others failed for their callers.
      const inFlight = [50, 25, 25].map((n) => append(one, videoHistory(one.host, n)));
      await Promise.race(inFlight);
      await one.kill();
      for (const outcome of await Promise.allSettled(inFlight)) if (outcome.status === 'rejected') appendFailedBecausePod1Died(outcome.reason as Error);
    } finally {
      two.thaw();
    }
    pod2HeadAtKill = (await originHeads(two)).get(actorOf(one)) ?? 0;
    const killedAt = Date.now() - started;

    await one.start();
    const pod1Head = (await originHeads(one)).get(actorOf(one))!;
    assert.ok(pod2HeadAtKill < pod1Head, `pod 1 died with events left to deliver to pod 2 (pod 2 had ${pod2HeadAtKill - base}, pod 1 holds ${pod1Head - base})`);
    // More events on pods 1 and 2 while pod 3 is still down.
    await Promise.all([
      ...Array.from({ length: 10 }, () => append(one, videoHistory(one.host, 2))),
      ...Array.from({ length: 10 }, () => append(two, videoHistory(two.host, 1))),
    ]);
    await three.start();
    const restartedAt = Date.now() - started;
    await quiescent(pods, 60_000);
    const quietAt = Date.now() - started;

    const ids = await assertSameLogs(pods);
    const missing = [...acknowledged].filter((id) => !ids.has(id));
    assert.deepEqual(missing, [], 'every append acknowledged to the caller survived the crash and reached every pod');
    for (const pod of pods) {
      const heads = await originHeads(pod);
      assert.equal(heads.get(actorOf(one)), (await originHeads(one)).get(actorOf(one)), `${pod.name} holds all of pod 1's chain`);
      assert.equal(heads.get(actorOf(two)), (await originHeads(two)).get(actorOf(two)), `${pod.name} holds all of pod 2's chain`);
    }
    t.diagnostic(
      `${acknowledged.size} events acknowledged, ${ids.size} in every log; pod 2 had ${pod2HeadAtKill - base} of the burst when pod 1 was killed (${pod1Head - base} committed); ` +
        `kill at ${killedAt} ms, pod 3 back at ${restartedAt} ms, quiescent at ${quietAt} ms`,
    );
  });

  test('integrity diff: every audit passes, and the three pods hold the same read models', async () => {
    await Promise.all(pods.map((pod) => pod.stop()));
    await assertSameAudits(pods);
  });
});

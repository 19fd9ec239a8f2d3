import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { videoPublishedDraft } from '@swarmtube/testing';
import { createPodProcess, waitUntil, type PodProcess } from '@swarmtube/testing';
import { activeHosts, makeFriends, quiescent } from './support/network.js';

describe('the seed scenario: make friends on pod 2, then on pod 1', () => {
  const pods: PodProcess[] = [];
  before(async () => {
    for (const n of [1, 2, 3]) pods.push(await createPodProcess({ name: `Pod ${n}`, driven: true }));
    await Promise.all(pods.map((pod) => pod.start()));
  });
  after(() => Promise.all(pods.map((pod) => pod.destroy())));

  test('2 befriends 3, then 1 (seeds 2 and 3) befriends both: every pod knows every other', async () => {
    const [one, two, three] = pods;
    const first = await makeFriends(two, [three.host]);
    assert.equal(first.status, 200);
    await waitUntil('2 and 3 to be friends', async () => ((await activeHosts(three)).includes(two.host) ? true : undefined));
    const second = await makeFriends(one, [two.host, three.host]);
    assert.equal(second.status, 200);
    assert.deepEqual(((await second.json()) as { chosen: string[] }).chosen, [two.host, three.host].sort());
    await quiescent(pods);
    for (const pod of pods) {
      assert.deepEqual(await activeHosts(pod), pods.filter((p) => p !== pod).map((p) => p.host).sort(), `${pod.name} knows the other two`);
    }
  });

  test('an event on one pod reaches the read models of all', async () => {
    const [one, two, three] = pods;
    const { stream, draft } = videoPublishedDraft({ host: three.host });
    await three.append(stream, [draft]);
    await quiescent(pods);
    for (const pod of [one, two]) {
      const { events } = (await (await fetch(`${pod.baseUrl}/api/v1/events?limit=1000`)).json()) as { events: Array<{ id: string; stream: string }> };
      assert.ok(events.some((e) => e.stream === stream), `${pod.name} has the video`);
    }
  });
});

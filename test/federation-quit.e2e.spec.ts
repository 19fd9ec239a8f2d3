import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { videoPublishedDraft } from '@swarmtube/testing';
import type { PodProcess } from '@swarmtube/testing';
import {
  activeHosts,
  assertSameAudits,
  assertSameLogs,
  cleanUp,
  formNetwork,
  hostsOf,
  logOf,
  madeFriends,
  quiescent,
  quitFriends,
  startPods,
  statusesOf,
} from './support/network.js';

/** quit-friends: a pod leaves a three-pod network, is left alone, and makes friends again later. */
describe('quit-friends in a three-pod network', () => {
  let pods: PodProcess[] = [];
  let one: PodProcess;
  let two: PodProcess;
  let three: PodProcess;
  let whileAway: string;

  before(async () => {
    pods = await startPods(3);
    [one, two, three] = pods;
    await formNetwork(pods);
  });
  after(() => cleanUp(pods));

  test('pod 3 quits: the others see it left, it has no friends, and the others agree on what happened', async () => {
    assert.deepEqual((await quitFriends(three)).left, hostsOf([one, two]));
    await quiescent(pods);
    for (const pod of [one, two]) {
      assert.equal((await statusesOf(pod))[three.host], 'left', `${pod.name} sees pod 3 left`);
      assert.deepEqual(await activeHosts(pod), hostsOf([one, two].filter((p) => p !== pod)), `${pod.name}'s network`);
    }
    // Every friend got every FriendshipEnded of the departure, not only its own.
    await assertSameLogs([one, two]);
    assert.deepEqual(await activeHosts(three), [], 'pod 3 has no friends');
  });

  test('an event appended on pod 1 afterwards reaches pod 2, not pod 3', async () => {
    const { stream, draft } = videoPublishedDraft({ host: one.host });
    await one.append(stream, [draft]);
    whileAway = stream;
    await quiescent(pods);
    assert.ok((await logOf(two)).some((e) => e.stream === stream), 'pod 2 has it');
    assert.ok(!(await logOf(three)).some((e) => e.stream === stream), 'pod 3 has not');
  });

  test('pod 3 makes friends again later, catches up, and receives new events again', async () => {
    const report = await madeFriends(three, [one.host, two.host]);
    assert.deepEqual(report.chosen, hostsOf([one, two]));
    assert.deepEqual(report.requested, hostsOf([one, two]));
    await quiescent(pods);
    for (const pod of pods) assert.deepEqual(await activeHosts(pod), hostsOf(pods.filter((p) => p !== pod)), `${pod.name} knows the other two`);
    assert.ok((await logOf(three)).some((e) => e.stream === whileAway), 'pod 3 caught up with what it missed');
    const { stream, draft } = videoPublishedDraft({ host: one.host });
    await one.append(stream, [draft]);
    await quiescent(pods);
    assert.ok((await logOf(three)).some((e) => e.stream === stream), 'pod 3 receives pod 1 events again');
    await assertSameLogs(pods);
  });

  test('integrity diff: every audit passes, and the three pods hold the same read models', async () => {
    await Promise.all(pods.map((pod) => pod.stop()));
    await assertSameAudits(pods);
  });
});

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
  startPods,
} from './support/network.js';

/**
 * PeerTube's first friendsAdvanced test: two groups of three pods that do not know each other.
 * The majority rule leaves a newcomer that asks one pod of each group with no friends; asking
 * two pods of the same group gives it that whole group, and nothing of the other.
 */
describe('two groups of friends and a newcomer', () => {
  let pods: PodProcess[] = [];
  let groupA: PodProcess[];
  let groupB: PodProcess[];
  let newcomer: PodProcess;

  before(async () => {
    pods = await startPods(7);
    groupA = pods.slice(0, 3);
    groupB = pods.slice(3, 6);
    newcomer = pods[6];
  });
  after(() => cleanUp(pods));

  test('pods 1-3 are friends with each other, and so are pods 4-6', async () => {
    await Promise.all([formNetwork(groupA), formNetwork(groupB)]);
    for (const pod of groupA) for (const stranger of groupB) assert.ok(!(await activeHosts(pod)).includes(stranger.host), `${pod.name} does not know ${stranger.name}`);
  });

  test('the newcomer asking one pod of each group chooses nobody and has no friends', async () => {
    const report = await madeFriends(newcomer, [groupA[0].host, groupB[0].host]);
    assert.deepEqual(report.answered, [groupA[0].host, groupB[0].host].sort());
    assert.deepEqual(report.chosen, []);
    assert.deepEqual(report.requested, []);
    await quiescent(pods);
    assert.deepEqual(await activeHosts(newcomer), []);
    for (const pod of [...groupA, ...groupB]) assert.ok(!(await activeHosts(pod)).includes(newcomer.host), `${pod.name} is no friend of the newcomer`);
  });

  test('asking two pods of the same group gives it that whole group', async () => {
    const report = await madeFriends(newcomer, [groupA[0].host, groupA[1].host]);
    assert.deepEqual(report.chosen, hostsOf(groupA));
    assert.deepEqual(report.requested, hostsOf(groupA));
    assert.deepEqual(report.failed, []);
    await quiescent(pods);
    const network = [...groupA, newcomer];
    for (const pod of network) assert.deepEqual(await activeHosts(pod), hostsOf(network.filter((p) => p !== pod)), `${pod.name}'s friends`);
    for (const pod of groupB) assert.deepEqual(await activeHosts(pod), hostsOf(groupB.filter((p) => p !== pod)), `${pod.name} still knows its group only`);
  });

  test("the newcomer's events reach its group and only its group", async () => {
    const { stream, draft } = videoPublishedDraft({ host: newcomer.host });
    await newcomer.append(stream, [draft]);
    const { stream: otherStream, draft: otherDraft } = videoPublishedDraft({ host: groupB[2].host });
    await groupB[2].append(otherStream, [otherDraft]);
    await quiescent(pods);
    for (const pod of groupA) assert.ok((await logOf(pod)).some((e) => e.stream === stream), `${pod.name} has the newcomer's video`);
    for (const pod of [...groupA, newcomer]) assert.ok(!(await logOf(pod)).some((e) => e.stream === otherStream), `${pod.name} has nothing of group B`);
    for (const pod of groupB) {
      const log = await logOf(pod);
      assert.ok(!log.some((e) => e.origin === `${newcomer.baseUrl}/federation/actor`), `${pod.name} holds nothing of the newcomer`);
      assert.ok(log.some((e) => e.stream === otherStream), `${pod.name} has its group's video`);
    }
    await assertSameLogs([...groupA, newcomer]);
    await assertSameLogs(groupB);
  });

  test('integrity diff: every audit passes, and each network holds the same read models', async () => {
    await Promise.all(pods.map((pod) => pod.stop()));
    await assertSameAudits([...groupA, newcomer]);
    await assertSameAudits(groupB);
  });
});

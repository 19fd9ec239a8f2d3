import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createPodProcess, waitUntil, type PodProcess } from '@swarmtube/testing';

interface Page {
  events: Array<{ type: string; origin: string; originSeq: number; data: Record<string, unknown> }>;
  next: number;
}

async function events(pod: PodProcess): Promise<Page> {
  return (await (await fetch(`${pod.baseUrl}/api/v1/events?limit=1000`)).json()) as Page;
}

describe('three pods, each a process of its own', () => {
  const pods: PodProcess[] = [];
  before(async () => {
    for (const n of [1, 2, 3]) pods.push(await createPodProcess({ name: `Pod ${n}` }));
    await Promise.all(pods.map((pod) => pod.start()));
  });
  after(() => Promise.all(pods.map((pod) => pod.destroy())));

  test('each serves its config, its site and a log that starts with its own signed PodJoined', async () => {
    const keys = new Set<string>();
    for (const pod of pods) {
      const config = (await (await fetch(`${pod.baseUrl}/api/v1/config`)).json()) as { host: string; name: string };
      assert.deepEqual([config.host, config.name], [pod.host, pod.name]);
      assert.match(await (await fetch(`${pod.baseUrl}/`)).text(), /<div id="app">/);
      const [genesis] = (await events(pod)).events;
      assert.equal(genesis.type, 'PodJoined');
      assert.equal(genesis.origin, `http://${pod.host}/federation/actor`);
      keys.add(String((genesis.data.keys as Record<string, unknown>).ed25519Multibase));
    }
    assert.equal(keys.size, 3, 'every pod has keys of its own');
  });

  test('a pod killed with SIGKILL comes back with the same log, keys and read models', async () => {
    const pod = pods[1];
    const before = await events(pod);
    await pod.kill();
    await pod.start();
    assert.deepEqual(await events(pod), before);
    const metrics = await waitUntil('the read models to catch up', async () => {
      const text = await (await fetch(`${pod.baseUrl}/metrics`)).text();
      return /swarmtube_projection_lag_events\{projection="pods"\} 0/.test(text) ? text : undefined;
    });
    assert.match(metrics, /^swarmtube_event_log_head_position 1$/m);
  });

  test('SIGTERM stops a pod cleanly', async () => {
    const pod = pods[2];
    await pod.stop();
    assert.match(pod.output(), /SIGTERM: stopping/);
    await pod.start();
  });
});

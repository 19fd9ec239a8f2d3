import { performance } from 'node:perf_hooks';
import { waitUntil, type PodProcess } from '@swarmtube/testing';

/** A network of driven pods on loopback, made the way an admin would (make-friends over HTTP). */

async function activeHosts(pod: PodProcess): Promise<string[]> {
  const pods = (await (await fetch(`${pod.baseUrl}/api/v1/pods`)).json()) as Array<{ host: string; status: string }>;
  return pods.filter((p) => p.status === 'active').map((p) => p.host);
}

async function makeFriends(pod: PodProcess, hosts: string[]): Promise<void> {
  const response = await fetch(`${pod.baseUrl}/api/v1/pods/make-friends`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await pod.adminToken()}`, 'content-type': 'application/json' },
    body: JSON.stringify({ hosts }),
  });
  if (!response.ok) throw new Error(`${pod.name}: make-friends answered ${response.status}: ${await response.text()}`);
}

/** Every pod idle (nothing delivered, pulled or projected right now), twice in a row. Polls: only between measurements. */
export async function quiescent(pods: readonly PodProcess[], timeoutMs = 60_000): Promise<void> {
  await waitUntil('the network to be quiescent', async () => {
    for (let round = 0; round < 2; round++) if (!(await Promise.all(pods.map((p) => p.idle()))).every(Boolean)) return undefined;
    return true;
  }, timeoutMs, 50);
}

/**
 * Each newcomer in turn makes friends with every member so far (its seeds), then waits until
 * every pod of the grown network lists all the others as active. Returns the whole network.
 */
export async function joinNetwork(members: readonly PodProcess[], newcomers: readonly PodProcess[]): Promise<PodProcess[]> {
  const network = [...members];
  for (const pod of newcomers) {
    if (network.length > 0) await makeFriends(pod, network.map((p) => p.host));
    network.push(pod);
  }
  await waitUntil(`${network.length} pods to know each other`, async () => {
    for (const pod of network) {
      const hosts = new Set(await activeHosts(pod));
      if (!network.every((other) => other === pod || hosts.has(other.host))) return undefined;
    }
    return true;
  }, 60_000, 100);
  await quiescent(network);
  return network;
}

export function sleepUntil(target: number): Promise<void> {
  const wait = target - performance.now();
  return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
}

/** Nearest-rank percentile of an unsorted list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

import 'reflect-metadata';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { Subscription } from '@swarmtube/event-store';
import type { EventDraft } from '@swarmtube/event-envelope';
import { loadPodConfig } from '../../apps/pod/src/config/pod-config.js';
import type { OpenedEventStore } from '@swarmtube/event-store';
import { EventLog } from '../../apps/pod/src/event-log/event-log.js';
import { EVENT_STORE } from '../../apps/pod/src/event-log/event-log.tokens.js';
import { DeliveryService } from '../../apps/pod/src/federation/delivery/delivery-service.js';
import { FederationClient } from '../../apps/pod/src/federation/federation-client.js';
import { ReceiveActivities } from '../../apps/pod/src/federation/inbox/receive-activities.js';
import { PodLog } from '../../apps/pod/src/logger/pod-log.js';
import { openPod } from '../../apps/pod/src/pod-app.js';
import { ProjectionRunner } from '../../apps/pod/src/projections/projection-runner.js';

/**
 * A real pod (the same start-up as main.ts: openPod with HTTP, then federation) that a test process
 * can also ask, over the IPC channel, to append events through its EventLog, as a use case
 * would. Until the upload API exists, this is how multi-pod tests and benchmarks make a pod
 * publish events; the replication under test is the production code path.
 */
type Request =
  | { id: number; kind: 'append'; stream: string; drafts: EventDraft[] }
  | { id: number; kind: 'appendEach'; items: Array<{ stream: string; drafts: EventDraft[] }> }
  | { id: number; kind: 'idle' }
  | { id: number; kind: 'head' }
  | { id: number; kind: 'watchApplied'; enabled: boolean }
  | { id: number; kind: 'federationStats' };

/**
 * "Applied" notices for benchmarks: once asked, the pod sends the parent, unasked, one
 * `{ kind: 'applied', at, ids }` message per batch of new events (local or foreign) as soon as
 * every read model holds them; `at` is this process's wall clock (ms, sub-ms precision).
 * No polling: a log subscription woken by the store, then the projection runner's waitFor.
 */
let appliedSubscription: Subscription | undefined;
/** How late the event loop ran timers while watched: a blocked loop delays every request the pod serves. */
const loopDelay = monitorEventLoopDelay({ resolution: 5 });

async function watchApplied(enabled: boolean): Promise<number> {
  await appliedSubscription?.close();
  appliedSubscription = undefined;
  const head = await store.headPosition();
  if (!enabled) {
    loopDelay.disable();
    return head;
  }
  loopDelay.reset();
  loopDelay.enable();
  appliedSubscription = store.subscribe(head, async (batch) => {
    await pod.app.get(ProjectionRunner).waitFor(batch[batch.length - 1].position, 60_000);
    process.send!({ kind: 'applied', at: performance.timeOrigin + performance.now(), ids: batch.map((e) => e.event.id) });
  }, { batchSize: 2000 });
  return head;
}

const config = loadPodConfig();
// Warnings and errors only: the scenarios that drive these pods make many thousands of requests.
const pod = await openPod(config, { http: true, logger: PodLog.open({ ...config.log, level: 'warn' }, { pod: config.host }) });
const store = pod.app.get<OpenedEventStore>(EVENT_STORE);
const eventLog = pod.app.get(EventLog);
await pod.startFederation();
pod.logger.warn(`listening on http://${config.host} (driven)`);

process.on('message', async (request: Request) => {
  try {
    let result: unknown;
    if (request.kind === 'append') {
      const appended = await eventLog.append(request.stream, request.drafts, { expectedVersion: 'any' });
      result = appended.events.map((e) => ({ id: e.event.id, originSeq: e.event.originSeq, position: e.position }));
    } else if (request.kind === 'appendEach') {
      // Many streams at once, concurrently (group commit): a burst without one IPC round trip per event.
      const appended = await Promise.all(request.items.map((item) => eventLog.append(item.stream, item.drafts, { expectedVersion: 'any' })));
      result = appended.flatMap((a) => a.events.map((e) => ({ id: e.event.id, originSeq: e.event.originSeq, position: e.position })));
    } else if (request.kind === 'watchApplied') {
      result = await watchApplied(request.enabled);
    } else if (request.kind === 'federationStats') {
      const [delivery, client, inbox] = [pod.app.get(DeliveryService), pod.app.get(FederationClient), pod.app.get(ReceiveActivities)];
      result = {
        delivered: delivery.delivered,
        requests: delivery.requests,
        signatures: client.signatures,
        rejectedEvents: inbox.rejectedEvents,
        store: store.stats(),
        head: await store.headPosition(),
        peers: delivery.peerStates(),
        cpu: process.cpuUsage(),
        eventLoopDelayMs: { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
      };
    } else if (request.kind === 'idle') {
      result = await pod.idle();
    } else {
      result = await store.headPosition();
    }
    process.send!({ id: request.id, ok: true, result });
  } catch (error) {
    process.send!({ id: request.id, ok: false, error: (error as Error).message });
  }
});
process.on('SIGTERM', async () => {
  await appliedSubscription?.close();
  await pod.close();
  process.exit(0);
});
// A driven pod is nothing without the process that drives it: if that one dies without
// stopping it (a crashed test or benchmark), stop too rather than run on, orphaned.
process.on('disconnect', async () => {
  await appliedSubscription?.close();
  await pod.close();
  process.exit(1);
});

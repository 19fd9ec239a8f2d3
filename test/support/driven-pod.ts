import 'reflect-metadata';
import type { EventDraft } from '../../libs/event-envelope/src/envelope.js';
import { loadPodConfig } from '../../apps/pod/src/config/pod-config.js';
import { startPodApp } from '../../apps/pod/src/pod-app.js';
import { PodRuntime } from '../../apps/pod/src/pod-runtime.js';

/**
 * A real pod (the same start-up as main.ts: runtime, HTTP, federation) that a test process
 * can also ask, over the IPC channel, to append events through its EventLog, as a use case
 * would. Until the upload API exists, this is how multi-pod tests and benchmarks make a pod
 * publish events; the replication under test is the production code path.
 */
type Request =
  | { id: number; kind: 'append'; stream: string; drafts: EventDraft[] }
  | { id: number; kind: 'idle' }
  | { id: number; kind: 'head' };

const config = loadPodConfig();
const runtime = await PodRuntime.open(config, { log: () => {}, warn: (m) => console.warn(m), error: (m) => console.error(m) });
const pod = await startPodApp(runtime, { logger: ['warn', 'error'] });
await runtime.startFederation();
console.log(`[${config.name}] listening on http://${config.host} (driven)`);

process.on('message', async (request: Request) => {
  try {
    let result: unknown;
    if (request.kind === 'append') {
      const appended = await runtime.eventLog.append(request.stream, request.drafts, { expectedVersion: 'any' });
      result = appended.events.map((e) => ({ id: e.event.id, originSeq: e.event.originSeq, position: e.position }));
    } else if (request.kind === 'idle') {
      result = await runtime.idle();
    } else {
      result = await runtime.store.headPosition();
    }
    process.send!({ id: request.id, ok: true, result });
  } catch (error) {
    process.send!({ id: request.id, ok: false, error: (error as Error).message });
  }
});
process.on('SIGTERM', async () => {
  await pod.close();
  process.exit(0);
});

import { parentPort, workerData } from 'node:worker_threads';
import { createSignedContentChecker, type SignedContentTask } from './signed-content-check.js';

// One of the audit's verification threads: batches in, results out, in the same order.
const check = createSignedContentChecker(workerData as { checkProofs: boolean });
parentPort!.on('message', ({ id, tasks }: { id: number; tasks: SignedContentTask[] }) => {
  parentPort!.postMessage({ id, results: tasks.map(check) });
});

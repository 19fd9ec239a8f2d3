import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createSignedContentChecker, type SignedContentResult, type SignedContentTask } from './signed-content-check.js';

/**
 * Checks schemas and proofs on every core: Ed25519 verification is most of an audit's work
 * and each event's proof is independent of the others (the chain is checked apart, in order).
 * With `threads: 0` it checks inline, in this thread.
 */
export class SignedContentPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, (results: SignedContentResult[]) => void>();
  private readonly inline: ((task: SignedContentTask) => SignedContentResult) | null = null;
  private nextId = 0;
  private nextWorker = 0;

  constructor(options: { checkProofs: boolean; threads?: number }) {
    const threads = options.threads ?? Math.min(4, availableParallelism());
    if (threads === 0) {
      this.inline = createSignedContentChecker(options);
      return;
    }
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(new URL('./signed-content.worker.js', import.meta.url), { workerData: { checkProofs: options.checkProofs } });
      worker.on('message', ({ id, results }: { id: number; results: SignedContentResult[] }) => {
        this.pending.get(id)?.(results);
        this.pending.delete(id);
      });
      worker.on('error', (error) => {
        for (const resolve of this.pending.values()) resolve([{ position: -1, ok: false, code: 'bad-proof', detail: `verification thread failed: ${error.message}` }]);
        this.pending.clear();
      });
      this.workers.push(worker);
    }
  }

  /** Results in task order. Batches go round-robin to the threads. */
  async check(tasks: SignedContentTask[]): Promise<SignedContentResult[]> {
    if (this.inline) return tasks.map(this.inline);
    const worker = this.workers[this.nextWorker++ % this.workers.length];
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      worker.postMessage({ id, tasks });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

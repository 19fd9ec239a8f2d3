/**
 * Group commit: calls that arrive while a transaction is being written wait for the next
 * one and are committed together, so N concurrent appends cost about one fsync instead of N.
 * The adapter's `commit` settles every job of its batch (each in its own savepoint) and
 * must resolve a job only after the COMMIT that made it durable.
 */
export interface QueuedJob {
  reject(error: unknown): void;
}

export class GroupCommitQueue<J extends QueuedJob> {
  private pending: J[] = [];
  private scheduled = false;
  private running = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly commit: (batch: J[]) => Promise<void> | void,
    private readonly maxBatch: number,
  ) {}

  get size(): number {
    return this.pending.length;
  }

  push(job: J): void {
    this.pending.push(job);
    this.schedule();
  }

  /** Resolves once every job queued so far has been settled. */
  drained(): Promise<void> {
    if (!this.running && !this.scheduled && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    // setImmediate, not a microtask: every call made in this turn joins the batch, and a
    // steady stream of appends still lets the event loop serve I/O between batches.
    setImmediate(() => void this.runOneBatch());
  }

  private async runOneBatch(): Promise<void> {
    this.scheduled = false;
    this.running = true;
    const batch = this.pending.splice(0, this.maxBatch);
    try {
      await this.commit(batch);
    } catch (error) {
      // The adapter settles its jobs itself; this only guards against a bug leaving callers hanging.
      for (const job of batch) job.reject(error);
    }
    this.running = false;
    if (this.pending.length > 0) this.schedule();
    else for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

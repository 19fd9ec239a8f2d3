/**
 * Wakes subscriptions when the log grows. A generation counter closes the race between
 * "read found nothing" and "start waiting": a waiter that saw an older generation returns at once.
 */
export class WakeSignal {
  private generationValue = 0;
  private waiters = new Set<() => void>();

  get generation(): number {
    return this.generationValue;
  }

  notify(): void {
    this.generationValue++;
    for (const wake of [...this.waiters]) wake();
  }

  /** Resolves on the next notify after `seen`, after timeoutMs (the polling fallback), or on abort. */
  wait(seen: number, timeoutMs: number, abort?: AbortSignal): Promise<void> {
    if (this.generationValue !== seen || abort?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        abort?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      abort?.addEventListener('abort', done, { once: true });
    });
  }
}

/** A delay that ends early, and cleanly, when `abort` fires. */
export function abortableDelay(ms: number, abort: AbortSignal): Promise<void> {
  if (abort.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      abort.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    abort.addEventListener('abort', done, { once: true });
  });
}

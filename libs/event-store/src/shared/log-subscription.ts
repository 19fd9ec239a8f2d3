import type { StoredEvent, Subscription } from '../event-store.port.js';
import { assertReadWindow } from './input-validation.js';
import { abortableDelay, type WakeSignal } from './wake-signal.js';

export interface SubscriptionTiming {
  batchSize: number;
  retryDelayMs: number;
  pollIntervalMs: number;
}

/**
 * Catch-up then live, by reading the log from a cursor: the log is the only source of
 * truth, and wake-ups only say "read again". Both adapters commit positions in order, so
 * a cursor never steps over an event that commits later.
 */
export class LogSubscription implements Subscription {
  private readonly abort = new AbortController();
  private readonly done: Promise<void>;

  constructor(
    private readonly readAll: (after: number, limit: number) => Promise<StoredEvent[]>,
    private readonly wake: WakeSignal,
    private cursor: number,
    private readonly handler: (batch: StoredEvent[]) => Promise<void> | void,
    private readonly timing: SubscriptionTiming,
    private readonly onClosed: (subscription: LogSubscription) => void,
  ) {
    this.done = this.loop();
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
    this.onClosed(this);
  }

  private get closed(): boolean {
    return this.abort.signal.aborted;
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      const seen = this.wake.generation;
      let batch: StoredEvent[];
      try {
        batch = await this.readAll(this.cursor, this.timing.batchSize);
      } catch {
        // The database may be briefly unreachable (PostgreSQL restart): keep the cursor, try again.
        await abortableDelay(this.timing.retryDelayMs, this.abort.signal);
        continue;
      }
      if (batch.length === 0) {
        await this.wake.wait(seen, this.timing.pollIntervalMs, this.abort.signal);
        continue;
      }
      await this.deliver(batch);
    }
  }

  private async deliver(batch: StoredEvent[]): Promise<void> {
    while (!this.closed) {
      try {
        await this.handler(batch);
        this.cursor = batch[batch.length - 1].position;
        return;
      } catch {
        await abortableDelay(this.timing.retryDelayMs, this.abort.signal);
      }
    }
  }
}

/** What both adapters share to open a subscription: their reader, wake-up and registry. */
export interface SubscriptionSource {
  readAll(options: { after: number; limit: number }): Promise<StoredEvent[]>;
  wake: WakeSignal;
  subscriptions: Set<Subscription>;
  pollIntervalMs: number;
}

export function openLogSubscription(
  source: SubscriptionSource,
  after: number,
  handler: (batch: StoredEvent[]) => Promise<void> | void,
  options?: { batchSize?: number; retryDelayMs?: number },
): Subscription {
  const batchSize = options?.batchSize ?? 500;
  assertReadWindow({ after, limit: batchSize });
  const subscription = new LogSubscription(
    (from, limit) => source.readAll({ after: from, limit }),
    source.wake,
    after,
    handler,
    { batchSize, retryDelayMs: options?.retryDelayMs ?? 1000, pollIntervalMs: source.pollIntervalMs },
    (closed) => source.subscriptions.delete(closed),
  );
  source.subscriptions.add(subscription);
  return subscription;
}

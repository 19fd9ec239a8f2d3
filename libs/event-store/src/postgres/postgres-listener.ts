import pg from 'pg';
import type { WakeSignal } from '../shared/wake-signal.js';

/**
 * LISTENs for commits made by any process on the schema's channel and wakes local
 * subscriptions. Losing the connection only slows them down to the polling interval; it
 * reconnects in the background.
 */
export class PostgresListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly channel: string,
    private readonly wake: WakeSignal,
    private readonly reconnectDelayMs = 1000,
  ) {}

  async start(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client(this.config);
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', () => this.wake.notify());
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
    } catch {
      this.lost(client);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    // Events committed while we were not listening: let the subscriptions look.
    this.wake.notify();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private lost(client: pg.Client): void {
    if (this.client === client) this.client = null;
    client.end().catch(() => undefined);
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.start();
    }, this.reconnectDelayMs);
    this.retry.unref();
  }
}

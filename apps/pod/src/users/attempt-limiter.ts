import type { Response } from 'express';
import { ProblemError } from '../http/problem.js';

/** A fixed-window limit per key (client address), in memory: enough for one pod process. */
export class AttemptLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly options: { attempts: number; perSeconds: number },
    private readonly now: () => number = Date.now,
  ) {}

  allow(key: string): boolean {
    const now = this.now();
    const windowMs = this.options.perSeconds * 1000;
    if (this.windows.size > 10_000) for (const [k, w] of this.windows) if (now - w.start >= windowMs) this.windows.delete(k);
    const window = this.windows.get(key);
    if (!window || now - window.start >= windowMs) {
      this.windows.set(key, { start: now, count: 1 });
      return true;
    }
    window.count += 1;
    return window.count <= this.options.attempts;
  }

  /** Whole seconds until the key's window ends (at least 1): what Retry-After says. */
  retryAfterSeconds(key: string): number {
    const window = this.windows.get(key);
    if (!window) return 1;
    return Math.max(1, Math.ceil((window.start + this.options.perSeconds * 1000 - this.now()) / 1000));
  }

  /** Counts an attempt; past the limit, a 429 `rate-limited` with Retry-After so clients know when to come back. */
  enforce(key: string, response: Response, message: string): void {
    if (this.allow(key)) return;
    const seconds = this.retryAfterSeconds(key);
    response.setHeader('Retry-After', String(seconds));
    throw new ProblemError('rate-limited', message, { retryAfterSeconds: seconds });
  }
}

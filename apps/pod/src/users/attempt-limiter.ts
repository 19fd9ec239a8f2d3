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
}

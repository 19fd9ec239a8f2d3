/**
 * Per-address token buckets: each address may spend `burst` requests at once, refilled
 * at `ratePerSecond`. One limiter is shared by HTTP, UDP and WebSocket, so an address
 * cannot triple its allowance by switching protocols.
 */
export interface RateLimitOptions {
  readonly ratePerSecond: number;
  readonly burst: number;
  /**
   * Most addresses remembered at once. Spoofed UDP sources could otherwise grow the
   * table without bound; past this, after a prune, new addresses are refused.
   */
  readonly maxAddresses?: number;
}

interface Bucket {
  tokens: number;
  last: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly rate: number;
  private readonly burst: number;
  private readonly maxAddresses: number;

  constructor(options: RateLimitOptions) {
    if (!(options.ratePerSecond > 0) || !(options.burst >= 1)) throw new RangeError('rate limit: ratePerSecond > 0 and burst >= 1');
    this.rate = options.ratePerSecond / 1000;
    this.burst = options.burst;
    this.maxAddresses = options.maxAddresses ?? 200_000;
  }

  /** Spends one token of `address`; false when its bucket is empty. `now` in ms. */
  take(address: string, now: number): boolean {
    let bucket = this.buckets.get(address);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxAddresses) {
        this.prune(now);
        if (this.buckets.size >= this.maxAddresses) return false;
      }
      bucket = { tokens: this.burst, last: now };
      this.buckets.set(address, bucket);
    } else if (now > bucket.last) {
      bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.last) * this.rate);
      bucket.last = now;
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Forgets addresses whose bucket has refilled: they are indistinguishable from new ones. */
  prune(now: number): number {
    let removed = 0;
    for (const [address, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.last) * this.rate >= this.burst) {
        this.buckets.delete(address);
        removed++;
      }
    }
    return removed;
  }

  get size(): number {
    return this.buckets.size;
  }
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimiter } from './rate-limit.js';

describe('RateLimiter (per-address token bucket)', () => {
  it('allows a burst, then the refill rate', () => {
    const limiter = new RateLimiter({ ratePerSecond: 2, burst: 3 });
    const t = 1_000_000;
    assert.deepEqual([1, 2, 3, 4].map(() => limiter.take('1.2.3.4', t)), [true, true, true, false]);
    assert.equal(limiter.take('5.6.7.8', t), true, 'addresses are independent');
    assert.equal(limiter.take('1.2.3.4', t + 400), false, '0.8 token');
    assert.equal(limiter.take('1.2.3.4', t + 500), true, '1 token after 500 ms');
    assert.equal(limiter.take('1.2.3.4', t + 500), false);
    assert.deepEqual([1, 2, 3, 4].map(() => limiter.take('1.2.3.4', t + 60_000)), [true, true, true, false], 'never above the burst');
  });

  it('forgets refilled buckets and bounds the table', () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 2, maxAddresses: 3 });
    for (const address of ['a', 'b', 'c']) assert.ok(limiter.take(address, 0));
    assert.equal(limiter.take('d', 0), false, 'table full of active addresses: new ones wait');
    assert.equal(limiter.take('d', 5000), true, 'after a prune there is room');
    assert.equal(limiter.prune(10_000), 1);
    assert.equal(limiter.size, 0);
  });

  it('refuses nonsense settings', () => {
    assert.throws(() => new RateLimiter({ ratePerSecond: 0, burst: 1 }), RangeError);
    assert.throws(() => new RateLimiter({ ratePerSecond: 1, burst: 0 }), RangeError);
  });
});

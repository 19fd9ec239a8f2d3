import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConcurrencyLimit } from './concurrency-limit.js';

describe('ConcurrencyLimit', () => {
  it('runs at most `max` tasks at once, in call order, and passes results and errors through', async () => {
    const limit = new ConcurrencyLimit(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const gates: Array<() => void> = [];
    const tasks = Array.from({ length: 6 }, (_, i) =>
      limit.run(async () => {
        started.push(i);
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
        if (i === 3) throw new Error('task 3 failed');
        return i * 10;
      }),
    );
    const settled = Promise.allSettled(tasks);
    // Release the tasks one at a time, as each gets started.
    for (let released = 0; released < 6; released++) {
      while (gates.length === 0) await new Promise((resolve) => setImmediate(resolve));
      gates.shift()!();
    }
    const results = await settled;
    assert.equal(most, 2);
    assert.deepEqual(started, [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
      [0, 10, 20, 'task 3 failed', 40, 50],
    );
    assert.equal(limit.pending, 0);
  });
});

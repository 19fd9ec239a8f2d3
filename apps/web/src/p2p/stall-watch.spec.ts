import { describe, expect, it } from 'vitest';
import { StallWatch, type StallInput } from './stall-watch';

const LENGTH = 100 * 16_384;
const base = (overrides: Partial<StallInput> = {}): StallInput => ({
  now: 0,
  wantsToPlay: true,
  readyState: 2,
  currentTime: 12.4,
  duration: 20,
  pieceLength: 16_384,
  length: LENGTH,
  has: () => true,
  ...overrides,
});

describe('StallWatch: a stream that stops feeding <video> with the pieces at hand', () => {
  it('nudges the playhead a little ahead once the element has waited 3 s with every piece it needs', () => {
    const watch = new StallWatch();
    expect(watch.check(base({ now: 0 }))).toBeNull();
    expect(watch.check(base({ now: 2_999 }))).toBeNull();
    expect(watch.check(base({ now: 3_000 }))).toBeCloseTo(12.5);
    expect(watch.nudges).toBe(1);
    // Counted again from the nudge: not a seek every tick.
    expect(watch.check(base({ now: 3_250 }))).toBeNull();
  });

  it('leaves alone a playhead waiting for pieces the peers have not delivered (the deadline web seed fetches those)', () => {
    const watch = new StallWatch();
    const missing = base({ has: (index) => index < 60 }); // 12.4 s is byte 62 % of the file: piece 62
    watch.check({ ...missing, now: 0 });
    expect(watch.check({ ...missing, now: 10_000 })).toBeNull();
    expect(watch.nudges).toBe(0);
  });

  it('leaves alone an element that plays on, is paused, ended or seeking', () => {
    const watch = new StallWatch();
    watch.check(base({ now: 0 }));
    expect(watch.check(base({ now: 5_000, readyState: 4 }))).toBeNull();
    watch.check(base({ now: 6_000, wantsToPlay: false }));
    expect(watch.check(base({ now: 8_000, wantsToPlay: false }))).toBeNull();
    expect(watch.nudges).toBe(0);
  });

  it('never seeks past the end', () => {
    const watch = new StallWatch();
    watch.check(base({ now: 0, currentTime: 19.95 }));
    expect(watch.check(base({ now: 3_000, currentTime: 19.95 }))).toBe(20);
  });
});

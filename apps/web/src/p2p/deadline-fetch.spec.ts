import { describe, expect, it } from 'vitest';
import { bufferedAhead, planDeadlineFetch, type DeadlineState } from './deadline-fetch';

const KIB = 1024;
/** 20 s, 2.5 MB (125 KB/s): 160 pieces of 16 KiB. */
function state(overrides: Partial<DeadlineState> & { had?: number[] | ((index: number) => boolean); asked?: (index: number) => boolean } = {}): DeadlineState {
  const { had = [], asked = () => false, ...rest } = overrides;
  const has = typeof had === 'function' ? had : (index: number) => had.includes(index);
  return { pieceCount: 160, pieceLength: 16 * KIB, length: 160 * 16 * KIB, has, requested: asked, currentTime: 0, duration: 20, bufferedAhead: 0, wantsToPlay: true, firstFrame: true, elapsedMs: 5000, ...rest };
}

describe('planDeadlineFetch', () => {
  it('waits for the peers while enough is buffered, however slow they are now', () => {
    expect(planDeadlineFetch(state({ bufferedAhead: 2.5, currentTime: 5 }))).toBeNull();
    expect(planDeadlineFetch(state({ bufferedAhead: 2, wantsToPlay: false }))).toBeNull();
    // The element holds little, but the page holds 5 s of pieces from the playhead on.
    expect(planDeadlineFetch(state({ bufferedAhead: 0.5, had: (i) => i < 40 }))).toBeNull();
  });

  it('fetches the run of missing pieces from the playhead on, several pieces in one range, when the buffer runs low', () => {
    // 10 s into the video: byte 1,310,720, piece 80 (started 2 pieces early); 76-85 are there.
    const have = (index: number) => index < 86;
    const range = planDeadlineFetch(state({ currentTime: 10, bufferedAhead: 1.5, had: have }));
    // 0.75 s held from the playhead; 1.5 s at 131 KB/s = 197 KB = 12 pieces.
    expect(range).toEqual({ from: 86, to: 98, urgent: false });
    // A piece already there ends the range: no byte fetched twice.
    expect(planDeadlineFetch(state({ currentTime: 10, bufferedAhead: 1.5, had: (i) => i < 86 || i === 90 }))).toEqual({ from: 86, to: 90, urgent: false });
  });

  it('leaves to the peers what they are being asked for, unless the buffer is nearly empty', () => {
    const have = (index: number) => index < 86;
    // 4 pieces (0.5 s) are there from the playhead (piece 80, 10 s); 84-87 (due in 0.5-1 s) are
    // late if only asked for: fetched; 88-99, due later, are left to the (capped) seeder asked for them.
    const had84 = (index: number) => index < 84;
    expect(planDeadlineFetch(state({ currentTime: 10, bufferedAhead: 0.5, had: had84, asked: (i) => i >= 84 && i < 100 }))).toEqual({ from: 84, to: 88, urgent: true });
    // With 1.75 s there, the next asked-for pieces are not late yet: the web seed takes what nobody is asked for.
    expect(planDeadlineFetch(state({ currentTime: 10, bufferedAhead: 0.5, had: (i) => i < 94, asked: (i) => i >= 94 && i < 98 }))).toEqual({ from: 98, to: 110, urgent: false });
    // Everything near is asked for and not due yet: nothing to do.
    expect(planDeadlineFetch(state({ currentTime: 10, bufferedAhead: 0.5, had: (i) => i < 94, asked: (i) => i >= 94 }))).toBeNull();
    expect(have(85)).toBe(true);
  });

  it('fetches the start when the first frame is late, and nothing before', () => {
    expect(planDeadlineFetch(state({ firstFrame: false, elapsedMs: 500 }))).toBeNull();
    // 1 s of video (8 pieces) before the first frame.
    expect(planDeadlineFetch(state({ firstFrame: false, elapsedMs: 1200, had: [0, 1] }))).toEqual({ from: 2, to: 10, urgent: true });
    expect(planDeadlineFetch(state({ firstFrame: false, elapsedMs: 1200, duration: NaN }))).toEqual({ from: 0, to: 4, urgent: true });
  });

  it('keeps ranges within bounds and stops at the end of the file', () => {
    expect(planDeadlineFetch(state({ currentTime: 19.9, had: (i) => i < 159 }))).toEqual({ from: 159, to: 160, urgent: true });
    expect(planDeadlineFetch(state({ currentTime: 19.9, had: () => true }))).toBeNull();
    const big = planDeadlineFetch(state({ pieceCount: 10_000, length: 10_000 * 16 * KIB }), { fetchSeconds: 60 });
    expect(big!.to - big!.from).toBe(128); // 2 MiB
  });
});

describe('bufferedAhead', () => {
  const ranges = (list: Array<[number, number]>) => ({ length: list.length, start: (i: number) => list[i]![0], end: (i: number) => list[i]![1] });
  it('is the end of the range holding the playhead, minus the playhead', () => {
    expect(bufferedAhead(ranges([[0, 4], [6, 9]]), 2)).toBe(2);
    expect(bufferedAhead(ranges([[0, 4], [6, 9]]), 5)).toBe(0);
    expect(bufferedAhead(ranges([[0, 4], [6, 9]]), 5.95)).toBeCloseTo(3.05);
    expect(bufferedAhead(ranges([]), 0)).toBe(0);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createProgressParser } from './ffmpeg-progress.js';

const block = (outTimeUs: string, progress = 'continue') =>
  `frame=10\nfps=0.00\nbitrate= 321.5kbits/s\ntotal_size=48\nout_time_us=${outTimeUs}\nout_time_ms=${outTimeUs}\nout_time=00:00:00.5\nspeed=12x\nprogress=${progress}\n`;

function collect(durationSeconds: number, chunks: string[]): number[] {
  const seen: number[] = [];
  const feed = createProgressParser(durationSeconds, (f) => seen.push(f));
  for (const chunk of chunks) feed(chunk);
  return seen;
}

test('reports the encoded share of the duration, then 1 at the end', () => {
  assert.deepEqual(collect(10, [block('2500000'), block('5000000'), block('10000000', 'end')]), [0.25, 0.5, 1]);
});

test('lines split across chunks are read whole', () => {
  const text = block('2500000') + block('7500000');
  const chunks = text.match(/.{1,7}/gs) ?? [];
  assert.deepEqual(collect(10, chunks), [0.25, 0.75]);
});

test('never goes back, ignores N/A and negative times, never passes 1', () => {
  assert.deepEqual(collect(4, [block('N/A'), block('-23000'), block('2000000'), block('1000000'), block('9000000'), block('9000000', 'end')]), [0.5, 1]);
});

test('an unknown duration still ends at 1', () => {
  assert.deepEqual(collect(0, [block('2000000'), block('4000000', 'end')]), [1]);
});

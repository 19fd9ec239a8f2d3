import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decideChunk, heldRange, parseChunkRequest } from './chunk-decision.js';

describe('a resumable PUT: its headers', () => {
  test('a chunk says its range and its length, which agree', () => {
    assert.deepEqual(parseChunkRequest('bytes 0-262143/2469036', '262144', false), { ok: true, value: { kind: 'chunk', start: 0, end: 262143, total: 2469036 } });
    assert.deepEqual(parseChunkRequest('bytes */2469036', '0', false), { ok: true, value: { kind: 'status', total: 2469036 } });
    assert.deepEqual(parseChunkRequest('bytes */10', undefined, false), { ok: true, value: { kind: 'status', total: 10 } });
  });

  test('anything else is refused before a byte is read', () => {
    for (const [range, length, chunked, why] of [
      [undefined, '10', false, /Content-Range: required/],
      ['bytes 0-9/10', '11', false, /11 bytes for a range of 10/],
      ['bytes 0-9/10', undefined, true, /no chunked transfer/],
      ['bytes 9-0/10', '10', false, /before the first/],
      ['bytes=0-9/10', '10', false, /not `bytes/],
      ['bytes 0-9/*', '10', false, /not `bytes/],
      ['bytes -1-9/10', '10', false, /not `bytes/],
      ['bytes 0-99999999999999999/10', '10', false, /not `bytes/],
      ['bytes */10', '5', false, /takes no body/],
      ['bytes 0-9/10', 'ten', false, /not a byte count/],
    ] as const) {
      const parsed = parseChunkRequest(range, length, chunked);
      assert.equal(parsed.ok, false, `${range} ${length}`);
      assert.match((parsed as { problem: string }).problem, why);
    }
  });
});

describe('a resumable PUT: what the pod does with it', () => {
  const upload = { size: 1000, offset: 400 };
  test('the chunk at the offset is written; a question gets the offset', () => {
    assert.deepEqual(decideChunk(upload, { kind: 'chunk', start: 400, end: 999, total: 1000 }), { action: 'write', start: 400, length: 600 });
    assert.deepEqual(decideChunk(upload, { kind: 'status', total: 1000 }), { action: 'status' });
  });

  test('a chunk elsewhere gets the offset to resume from (409)', () => {
    assert.deepEqual(decideChunk(upload, { kind: 'chunk', start: 0, end: 99, total: 1000 }), { action: 'offset-mismatch', offset: 400 });
    assert.deepEqual(decideChunk(upload, { kind: 'chunk', start: 500, end: 599, total: 1000 }), { action: 'offset-mismatch', offset: 400 });
  });

  test('a byte past the declared size ends the upload (413); another size is a bad range (400)', () => {
    assert.deepEqual(decideChunk(upload, { kind: 'chunk', start: 400, end: 1000, total: 1001 }), { action: 'too-large' });
    assert.deepEqual(decideChunk(upload, { kind: 'chunk', start: 400, end: 1000, total: 1000 }), { action: 'too-large' });
    assert.deepEqual(decideChunk(upload, { kind: 'chunk', start: 400, end: 499, total: 2000 }), { action: 'too-large' });
    assert.deepEqual(decideChunk(upload, { kind: 'chunk', start: 400, end: 499, total: 999 }), { action: 'size-mismatch', size: 1000 });
    assert.deepEqual(decideChunk(upload, { kind: 'status', total: 5 }), { action: 'size-mismatch', size: 1000 });
  });

  test('the Range of a 308 names the bytes held, and is absent while there are none', () => {
    assert.equal(heldRange(0), null);
    assert.equal(heldRange(1), 'bytes=0-0');
    assert.equal(heldRange(400), 'bytes=0-399');
  });
});

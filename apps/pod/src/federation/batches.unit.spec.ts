import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EventEnvelope } from '../../../../libs/event-envelope/src/envelope.js';
import { createTestSealer, sealChain } from '../../../../libs/testing/src/test-sealer.js';
import { videoUpdatedDraft } from '../../../../libs/testing/src/event-fixtures.js';
import { deliveryBatch, deliveryBody, deliveryItem } from './activities.js';
import { fittingCount } from './batches.js';

/** Edits of one video with descriptions of `length` characters of `character`. */
function edits(count: number, length: number, character = '视'): EventEnvelope[] {
  const uuid = '0190a5b2-1111-7000-8000-000000000001';
  return sealChain(
    createTestSealer('http://127.0.0.1:9001/federation/actor'),
    Array.from({ length: count }, (_, i) => ({ stream: `video:${uuid}`, type: 'VideoUpdated', data: videoUpdatedDraft(uuid, { description: `${i}`.padEnd(length, character) }).data })),
  );
}

/** Cuts the whole run as delivery does: batch after batch, each under `limit`. */
function cutAll(items: string[], limit: number): Array<{ count: number; bytes: number; body: string }> {
  const batches = [];
  for (let rest = items; rest.length > 0; ) {
    const batch = deliveryBatch(rest, limit);
    batches.push(batch);
    rest = rest.slice(batch.count);
  }
  return batches;
}

describe('fittingCount: how many items one request carries', () => {
  test('nothing to cut: none', () => assert.equal(fittingCount([], 100, 10), 0));
  test('exactly at the limit, all of them; one byte more, one less', () => {
    // frame 10 + 40 + comma + 49 = 100
    assert.equal(fittingCount([40, 49], 100, 10), 2);
    assert.equal(fittingCount([40, 50], 100, 10), 1);
  });
  test('each item bigger than half the limit: one per request', () => {
    assert.equal(fittingCount([51, 51, 51], 100, 0), 1);
  });
  test('one item over the limit on its own still travels, alone', () => {
    assert.equal(fittingCount([150, 1, 1], 100, 10), 1);
  });
  test('a mix: small ones until the big one would not fit', () => {
    assert.equal(fittingCount([10, 10, 10, 70, 10], 100, 0), 3);
    assert.equal(fittingCount([10, 60, 10, 10, 10], 100, 0), 4);
  });
});

describe('deliveryBatch: a delivered Collection cut by its encoded size', () => {
  const events = edits(6, 10_000);
  const items = events.map(deliveryItem);
  const itemBytes = Buffer.byteLength(items[0]);

  test('a 10,000-character description in a 3-byte script weighs twice in the activity: once in the Video object, once in the event', () => {
    assert.ok(itemBytes > 2 * 30_000 && itemBytes < 2 * 30_000 + 4_000, `${itemBytes} bytes`);
  });

  test('the body is what it says: its bytes, the Collection of the first `count` activities, in order', () => {
    const batch = deliveryBatch(items, 1024 * 1024);
    assert.equal(batch.count, 6);
    assert.equal(batch.bytes, Buffer.byteLength(batch.body));
    const parsed = JSON.parse(batch.body);
    const expected = deliveryBody(events) as { items: unknown[] };
    assert.equal(parsed.type, 'Collection');
    assert.equal(parsed.totalItems, 6);
    assert.deepEqual(parsed.items, expected.items);
  });

  test('exactly at the limit all travel; one byte under, the last one waits', () => {
    const all = deliveryBatch(items.slice(0, 3), Infinity);
    assert.equal(deliveryBatch(items.slice(0, 3), all.bytes).count, 3);
    const cut = deliveryBatch(items.slice(0, 3), all.bytes - 1);
    assert.equal(cut.count, 2);
    assert.ok(cut.bytes <= all.bytes - 1);
  });

  test('activities bigger than half the limit: one per request, each under the limit', () => {
    const limit = 2 * itemBytes - 1;
    const batches = cutAll(items, limit);
    assert.deepEqual(batches.map((b) => b.count), [1, 1, 1, 1, 1, 1]);
    for (const batch of batches) assert.ok(batch.bytes <= limit, `${batch.bytes} > ${limit}`);
  });

  test('a mix of small and large: every batch under the limit, nothing skipped or reordered', () => {
    const small = edits(200, 20, 'a');
    const mixed = [...small.slice(0, 50), ...events.slice(0, 3), ...small.slice(50, 150), ...events.slice(3), ...small.slice(150)];
    const limit = 150_000;
    const batches = cutAll(mixed.map(deliveryItem), limit);
    for (const batch of batches) assert.ok(batch.bytes <= limit, `${batch.bytes} > ${limit}`);
    const ids = batches.flatMap((b) => JSON.parse(b.body).items.map((item: { events: EventEnvelope[] }) => item.events[0].id));
    assert.deepEqual(ids, mixed.map((e) => e.id));
    assert.ok(batches.length < 10, `${batches.length} requests for 206 events of which 6 large`);
  });
});

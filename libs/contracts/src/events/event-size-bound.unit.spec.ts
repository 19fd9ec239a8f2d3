import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_EVENT_BYTES } from '../federation/federation-limits.js';
import { readEventSchemaFiles } from './event-schema-files.js';
import { eventSizeBounds, maxEncodedBytes, UnboundedSchemaError } from './event-size-bound.js';

const noRefs = (ref: string): never => {
  throw new Error(`unexpected $ref ${ref}`);
};

describe('the size bound of an event, computed from the published schemas', () => {
  test('every published type and version is bounded, and under MAX_EVENT_BYTES', (t) => {
    const bounds = eventSizeBounds(readEventSchemaFiles());
    assert.ok(bounds.length >= 13, 'every schema of events/ is counted');
    for (const { type, version, bytes } of bounds) {
      assert.ok(bytes <= MAX_EVENT_BYTES, `${type} v${version}: up to ${bytes} bytes, over ${MAX_EVENT_BYTES}`);
    }
    const largest = bounds.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    t.diagnostic(`largest: ${largest.type} v${largest.version}, ${largest.bytes} bytes at most (limit ${MAX_EVENT_BYTES})`);
  });

  test('a string costs its quotes and 6 bytes per character; arrays and objects add their punctuation', () => {
    assert.equal(maxEncodedBytes({ type: 'string', maxLength: 10 }, noRefs), 62);
    assert.equal(maxEncodedBytes({ type: 'array', maxItems: 3, items: { type: 'string', maxLength: 1 } }, noRefs), 2 + 3 * 9);
    assert.equal(maxEncodedBytes({ type: 'object', additionalProperties: false, properties: { a: { const: 'xy' } } }, noRefs), 2 + 3 + 1 + 4 + 1);
    assert.equal(maxEncodedBytes({ type: 'integer', minimum: -5, maximum: 1000 }, noRefs), 4);
    assert.equal(maxEncodedBytes({ oneOf: [{ type: 'null' }, { type: 'string', maxLength: 2 }] }, noRefs), 14);
    // The costliest character JSON has really takes 6 bytes, and one code point no more.
    assert.equal(Buffer.byteLength(JSON.stringify('\ud800')), 8);
    assert.equal(Buffer.byteLength(JSON.stringify('\u0001')), 8);
    assert.equal(Buffer.byteLength(JSON.stringify('😀')), 6);
  });

  test('a new schema that leaves a field unbounded is refused, naming the field', () => {
    const files = readEventSchemaFiles();
    const unbounded = { type: 'object', additionalProperties: false, required: ['note'], properties: { note: { type: 'string' } } };
    const withV2 = { ...files, events: [...files.events, { type: 'VideoUpdated', version: 2, schema: { title: 'VideoUpdated v2', ...unbounded } }] };
    assert.throws(() => eventSizeBounds(withV2), (error: Error) => error instanceof UnboundedSchemaError && /VideoUpdated\/v2.*note.*maxLength/.test(error.message));
    assert.throws(() => maxEncodedBytes({ type: 'object', properties: {} }, noRefs), /additionalProperties/);
    assert.throws(() => maxEncodedBytes({ type: 'array', items: { const: 1 } }, noRefs), /maxItems/);
    assert.throws(() => maxEncodedBytes({ type: 'integer', minimum: 0 }, noRefs), /maximum/);
    assert.throws(() => maxEncodedBytes(true, noRefs), /admits anything/);
  });
});

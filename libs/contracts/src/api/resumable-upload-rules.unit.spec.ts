import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextChunkBytes, RESUMABLE_FIRST_CHUNK_BYTES, RESUMABLE_MAX_CHUNK_BYTES } from './resumable-upload-rules.js';

const MiB = 1024 * 1024;

test('a fast line doubles the chunk up to the cap; a slow one keeps the first size; a chunk aims at about 3 s', () => {
  assert.equal(nextChunkBytes(8 * MiB, 50), 16 * MiB, 'at most twice the last');
  assert.equal(nextChunkBytes(64 * MiB, 100), RESUMABLE_MAX_CHUNK_BYTES);
  assert.equal(nextChunkBytes(128 * MiB, 100), RESUMABLE_MAX_CHUNK_BYTES);
  assert.equal(nextChunkBytes(8 * MiB, 2000), 12 * MiB, '4 MiB/s: 12 MiB in 3 s');
  assert.equal(nextChunkBytes(8 * MiB, 60_000), RESUMABLE_FIRST_CHUNK_BYTES, 'never below the first size');
  assert.equal(nextChunkBytes(0, 10), RESUMABLE_FIRST_CHUNK_BYTES);
  assert.equal(nextChunkBytes(Number.NaN, 10), RESUMABLE_FIRST_CHUNK_BYTES);
  assert.equal(nextChunkBytes(8 * MiB, 0), 16 * MiB);
});

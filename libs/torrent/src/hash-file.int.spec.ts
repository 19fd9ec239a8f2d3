import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hashFile } from './hash-file.js';
import { PieceHasher } from './piece-hasher.js';
import { referencePieces, tempDir, type TempDir } from './test-support.js';

describe('hashFile', () => {
  let dir: TempDir;
  before(async () => {
    dir = await tempDir();
  });
  after(() => dir.remove());

  for (const size of [1, 16 * 1024, 1024 * 1024, 1024 * 1024 + 1, 3 * 1024 * 1024 - 7]) {
    it(`gives what streaming the same bytes gives: ${size} bytes`, async () => {
      const { path, data } = await dir.file(`f-${size}.bin`, size);
      const streamed = new PieceHasher(16 * 1024);
      for (let i = 0; i < data.length; i += 65536) streamed.update(data.subarray(i, i + 65536));
      const expected = streamed.finish();
      for (const readSize of [undefined, 1000, 16 * 1024, 4 * 1024 * 1024]) {
        const result = await hashFile(path, 16 * 1024, readSize);
        assert.equal(result.length, size, `read size ${readSize}`);
        assert.ok(result.pieces.equals(expected.pieces), `read size ${readSize}: pieces differ`);
      }
      assert.ok(expected.pieces.equals(referencePieces(data, 16 * 1024)));
    });
  }

  it('refuses an empty file and reports a missing one', async () => {
    const empty = join(dir.path, 'empty.bin');
    await writeFile(empty, '');
    await assert.rejects(hashFile(empty, 16 * 1024), { name: 'RangeError', message: /zero-length/ });
    await assert.rejects(hashFile(join(dir.path, 'missing.bin'), 16 * 1024), { code: 'ENOENT' });
  });
});

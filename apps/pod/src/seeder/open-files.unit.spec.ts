import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileChangedError, OpenFiles } from './open-files.js';

describe('OpenFiles', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'swarmtube-open-files-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function file(name: string, length: number): { path: string; content: Buffer } {
    const content = randomBytes(length);
    const path = join(dir, name);
    writeFileSync(path, content);
    return { path, content };
  }

  it('reads the requested bytes and counts them', async () => {
    const { path, content } = file('a.bin', 100_000);
    const files = new OpenFiles(4);
    assert.deepEqual(await files.read(path, content.length, 12_345, 16_384), content.subarray(12_345, 12_345 + 16_384));
    assert.equal(files.bytesRead, 16_384);
    await files.closeAll();
  });

  it('keeps at most `max` files open, however many are read', async () => {
    const files = new OpenFiles(3);
    const all = Array.from({ length: 10 }, (_, i) => file(`many-${i}.bin`, 1000));
    for (const { path, content } of all) {
      assert.deepEqual(await files.read(path, content.length, 0, 10), content.subarray(0, 10));
      assert.ok(files.openCount <= 3, `${files.openCount} open`);
    }
    // Concurrent reads of every file: still bounded once they are done, and all correct.
    const results = await Promise.all(all.map(({ path, content }) => files.read(path, content.length, 500, 100)));
    results.forEach((bytes, i) => assert.deepEqual(bytes, all[i].content.subarray(500, 600)));
    assert.ok(files.openCount <= 3, `${files.openCount} open`);
    await files.closeAll();
    assert.equal(files.openCount, 0);
  });

  it('refuses a file whose size is not the expected one', async () => {
    const { path } = file('changed.bin', 5000);
    const files = new OpenFiles(2);
    await assert.rejects(files.read(path, 6000, 0, 10), FileChangedError);
    await files.closeAll();
  });

  it('refuses a read that runs past the end of a file that shrank while open', async () => {
    const { path, content } = file('shrinks.bin', 5000);
    const files = new OpenFiles(2);
    await files.read(path, content.length, 0, 10);
    truncateSync(path, 1000);
    await assert.rejects(files.read(path, content.length, 4000, 100), FileChangedError);
    await files.closeAll();
  });

  it('tries again after a failed open (the file may come back)', async () => {
    const path = join(dir, 'later.bin');
    const files = new OpenFiles(2);
    await assert.rejects(files.read(path, 100, 0, 10), { code: 'ENOENT' });
    assert.equal(files.openCount, 0);
    const content = randomBytes(100);
    writeFileSync(path, content);
    assert.deepEqual(await files.read(path, 100, 0, 10), content.subarray(0, 10));
    await files.closeAll();
  });
});

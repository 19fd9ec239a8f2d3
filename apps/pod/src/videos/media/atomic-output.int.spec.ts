import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { writeAtomically } from './atomic-output.js';

describe('writeAtomically: the one way the pod writes a file readers may open meanwhile', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'swarmtube-atomic-'));
  after(() => rm(folder, { recursive: true, force: true }));

  test('the file appears whole under its name, and no temporary file stays', async () => {
    const path = join(folder, 'a.torrent');
    await writeFile(path, 'old');
    await writeAtomically(path, (temp) => writeFile(temp, 'new bytes'));
    assert.equal(await readFile(path, 'utf8'), 'new bytes');
    assert.deepEqual(await readdir(folder), ['a.torrent']);
  });

  test('a failed write leaves the old file as it was and nothing beside it', async () => {
    const path = join(folder, 'b.torrent');
    await writeFile(path, 'kept');
    await assert.rejects(
      writeAtomically(path, async (temp) => {
        await writeFile(temp, 'half');
        throw new Error('disk full');
      }),
      /disk full/,
    );
    assert.equal(await readFile(path, 'utf8'), 'kept');
    assert.deepEqual((await readdir(folder)).filter((name) => name.startsWith('b.')), ['b.torrent']);
  });
});

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isTemporaryName, temporaryPathFor, TEMP_SUFFIX } from './media/atomic-output.js';
import { staleTemporaries, staleUploads } from './video-storage.js';

const UUID = '0b5d8a4e-6a2f-4c61-9d0e-3f1c2b7a8e90';

describe('the start-up sweep: which files are leftovers', () => {
  test('every temporary name the pod writes carries the one pattern', () => {
    const temp = temporaryPathFor(`/data/web-videos/${UUID}.mp4`);
    assert.ok(temp.endsWith(TEMP_SUFFIX));
    assert.ok(temp.startsWith(`/data/web-videos/${UUID}.mp4.${process.pid}.`));
    assert.equal(isTemporaryName(temp.split('/').at(-1)!), true);
  });

  test('temporaries of this version and of earlier ones are leftovers; final names are not', () => {
    const names = [
      `${UUID}.mp4`,
      `${UUID}.webm`,
      `${UUID}.torrent`,
      `${UUID}.jpg`,
      `${UUID}.mp4.4242.0a1b2c3d${TEMP_SUFFIX}`,
      `${UUID}.jpg.4242.0a1b2c3d${TEMP_SUFFIX}`,
      // Earlier versions: the .torrent's and the media outputs' temporaries.
      `${UUID}.torrent.4242.tmp`,
      `${UUID}.jpg.4242.0a1b2c3d.tmp`,
      `${UUID}.mp4.4242.0a1b2c3d.tmp`,
    ];
    assert.deepEqual(staleTemporaries(names, '/data/web-videos', new Set()), names.slice(4));
  });

  test('a temporary a live job owns is kept', () => {
    const owned = `${UUID}.mp4.4242.0a1b2c3d${TEMP_SUFFIX}`;
    assert.deepEqual(staleTemporaries([owned], '/data/web-videos', new Set([join('/data/web-videos', owned)])), []);
  });

  test('uploads: everything no processing job owns (partial uploads, thumbnails made from them)', () => {
    const names = ['a.part', 'a.part.jpg', 'b.part', 'b.part.jpg'];
    assert.deepEqual(staleUploads(names, '/data/uploads', new Set(['/data/uploads/b.part'])), ['a.part', 'a.part.jpg', 'b.part.jpg']);
  });

  test('a name a user could choose is not mistaken for a temporary', () => {
    for (const name of [`${UUID}.mp4`, 'notes.tmp', 'x.swarmtube-tmp.mp4', `${UUID}.tmp.mp4`]) assert.equal(isTemporaryName(name), false, name);
  });
});

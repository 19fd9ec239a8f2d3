import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { jpegImage, pngImage, tempDir } from '@swarmtube/testing';
import { FederationClient } from '../federation/federation-client.js';
import { isWholeJpeg, MAX_THUMBNAIL_BYTES, MirrorThumbnails } from './mirror-thumbnails.js';

/**
 * A mirror's copy of a thumbnail, fetched with the pod's outgoing client from a real HTTP server
 * on loopback: a whole JPEG is taken (the next source when one fails); a PNG, a cut JPEG, an
 * answer over the bound (declared or not), a private address the policy forbids, are refused,
 * and nothing is written.
 */
const UUID = '0190f0a4-5b1c-7cc0-8a37-2f9b1f0e3c51';

describe('mirror thumbnails', () => {
  const dir = tempDir('swarmtube-mirror-thumbnails-');
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const client = new FederationClient('http://127.0.0.1:1/federation/actor#main-key', key, { allowPrivateAddresses: true });
  const storage = { thumbnailPath: (uuid: string) => join(dir.path, `${uuid}.jpg`) };
  const thumbnails = new MirrorThumbnails(client, storage);
  let server: Server;
  let base = '';
  let jpeg: Buffer;
  let png: Buffer;

  before(async () => {
    jpeg = readFileSync(await jpegImage());
    png = readFileSync(await pngImage());
    const oversized = Buffer.concat([jpeg.subarray(0, jpeg.length - 2), Buffer.alloc(MAX_THUMBNAIL_BYTES), Buffer.from([0xff, 0xd9])]);
    server = createServer((request, response) => {
      const send = (bytes: Buffer, declared = true) => {
        response.writeHead(200, { 'content-type': 'image/jpeg', ...(declared ? { 'content-length': bytes.length } : {}) });
        response.end(bytes);
      };
      switch (request.url) {
        case '/good.jpg':
          return send(jpeg);
        case '/picture.png':
          return send(png);
        case '/cut.jpg':
          return send(jpeg.subarray(0, Math.floor(jpeg.length / 2)));
        case '/oversized.jpg':
          return send(oversized);
        case '/oversized-chunked.jpg':
          return send(oversized, false);
        default:
          response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    await client.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    dir.remove();
  });

  test('a whole JPEG is taken, the next source when one fails, and stored whole under the uuid', async () => {
    const { url, bytes } = await thumbnails.download([`${base}/missing.jpg`, `${base}/picture.png`, `${base}/good.jpg`]);
    assert.equal(url, `${base}/good.jpg`);
    assert.deepEqual(bytes, jpeg);
    assert.equal(thumbnails.has(UUID), false);
    await thumbnails.store(UUID, bytes);
    assert.deepEqual(readFileSync(storage.thumbnailPath(UUID)), jpeg);
    assert.deepEqual(readdirSync(dir.path), [`${UUID}.jpg`], 'no temporary file left');
    assert.equal(thumbnails.has(UUID), true);
  });

  test('a PNG, a cut JPEG, an answer over the bound, a missing one: refused, saying why', async () => {
    const refusals: Array<[string, RegExp]> = [
      ['picture.png', /not a JPEG/],
      ['cut.jpg', /not a JPEG/],
      ['oversized.jpg', /too large/],
      ['oversized-chunked.jpg', /too large/],
      ['missing.jpg', /404/],
    ];
    for (const [name, why] of refusals) await assert.rejects(thumbnails.download([`${base}/${name}`]), why, name);
    await assert.rejects(thumbnails.download([]), /no source/);
    assert.deepEqual(readdirSync(dir.path), [`${UUID}.jpg`], 'nothing else written');
  });

  test("a private address is refused by the pod's address policy, a bad scheme too", async () => {
    const strictClient = new FederationClient('https://pod.example/federation/actor#main-key', key, { allowPrivateAddresses: false });
    const strict = new MirrorThumbnails(strictClient, storage);
    try {
      await assert.rejects(strict.download([`${base}/good.jpg`]), /plain HTTP/);
      await assert.rejects(strict.download(['https://127.0.0.1:1/good.jpg']), /address-refused|private|not a public/i);
    } finally {
      await strictClient.close();
    }
  });

  test('isWholeJpeg: the start, a frame header and the end marker', () => {
    assert.equal(isWholeJpeg(jpeg), true);
    assert.equal(isWholeJpeg(png), false);
    assert.equal(isWholeJpeg(jpeg.subarray(0, jpeg.length - 1)), false);
    assert.equal(isWholeJpeg(new Uint8Array()), false);
  });
});

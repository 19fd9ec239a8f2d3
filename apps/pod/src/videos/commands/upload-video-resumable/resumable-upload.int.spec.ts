import assert from 'node:assert/strict';
import { openAsBlob, readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { choosePieceLength, hashFile, readTorrent } from '@swarmtube/torrent';
import { h264AacMp4Faststart, textFile, waitUntil } from '@swarmtube/testing';
import { startTestPod, type TestPod } from '../../../testing/test-pod.js';
import { LocalAccounts } from '../../../users/local-accounts.js';
import { VideoStorage } from '../../video-storage.js';
import { ResumableUploads } from './resumable-uploads.js';

/**
 * PeerTube's resumable upload against a real pod: chunks, a connection dropped mid-chunk and
 * resumed, a pod restarted between chunks, and hostile requests (wrong offset, forged ids,
 * another user's id, bytes past the size), each answered with a stable code and changing nothing.
 */

const PATH = '/api/v1/videos/upload-resumable';
const CHUNK = 64 * 1024;

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function call(pod: TestPod, method: string, path: string, options: { token?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${pod.baseUrl}${path}`, { method, headers, body: options.body, redirect: 'manual' });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

async function init(pod: TestPod, token: string, size: number, fields: Record<string, unknown> = { name: 'Resumed video' }, type = 'video/mp4'): Promise<Answer> {
  return call(pod, 'POST', PATH, {
    token,
    headers: { 'content-type': 'application/json', 'x-upload-content-length': String(size), 'x-upload-content-type': type },
    body: JSON.stringify(fields),
  });
}

function idOf(answer: Answer): string {
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  const location = new URL(answer.headers.get('location')!);
  assert.equal(location.pathname, PATH);
  return location.searchParams.get('upload_id')!;
}

function chunk(pod: TestPod, token: string, id: string, bytes: Buffer, start: number, total: number, extra: Record<string, string> = {}): Promise<Answer> {
  return call(pod, 'PUT', `${PATH}?upload_id=${id}`, {
    token,
    headers: { 'content-type': 'application/octet-stream', 'content-range': `bytes ${start}-${start + bytes.length - 1}/${total}`, ...extra },
    body: bytes,
  });
}

function status(pod: TestPod, token: string, id: string, total: number): Promise<Answer> {
  return call(pod, 'PUT', `${PATH}?upload_id=${id}`, { token, headers: { 'content-range': `bytes */${total}`, 'content-length': '0' } });
}

/** The offset the pod answers (308 and its Range). */
async function offsetOf(pod: TestPod, token: string, id: string, total: number): Promise<number> {
  const answer = await status(pod, token, id, total);
  assert.equal(answer.status, 308, JSON.stringify(answer.body));
  const range = answer.headers.get('range');
  const offset = range ? Number(/^bytes=0-(\d+)$/.exec(range)![1]) + 1 : 0;
  assert.equal(answer.body.offset, offset, 'the body says what Range says');
  return offset;
}

/** Sends `file` from `from` in CHUNK pieces; the last answer. */
async function sendFrom(pod: TestPod, token: string, id: string, file: Buffer, from: number): Promise<Answer> {
  let answer: Answer | null = null;
  for (let at = from; at < file.length; at += CHUNK) {
    answer = await chunk(pod, token, id, file.subarray(at, Math.min(at + CHUNK, file.length)), at, file.length);
    if (at + CHUNK < file.length) {
      assert.equal(answer.status, 308, JSON.stringify(answer.body));
      assert.equal(answer.headers.get('range'), `bytes=0-${Math.min(at + CHUNK, file.length) - 1}`);
    }
  }
  return answer!;
}

/** A chunk whose connection drops once `sent` of its bytes are on the pod's disk. */
async function dropMidChunk(pod: TestPod, token: string, id: string, file: Buffer, start: number, sent: number): Promise<void> {
  const part = join(pod.get(VideoStorage).resumableUploadsDir, `${id}.part`);
  const url = new URL(`${pod.baseUrl}${PATH}?upload_id=${id}`);
  const request = http.request(url, {
    method: 'PUT',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/octet-stream',
      'content-range': `bytes ${start}-${file.length - 1}/${file.length}`,
      'content-length': String(file.length - start),
    },
  });
  const ended = new Promise<void>((resolve) => {
    request.on('error', () => resolve());
    request.on('response', (response) => {
      response.resume();
      response.on('end', () => resolve());
      response.on('error', () => resolve());
    });
  });
  request.write(file.subarray(start, start + sent));
  await waitUntil('the first bytes to be on the pod', () => statSync(part).size === start + sent, 20_000, 5);
  request.destroy();
  await ended;
}

async function waitForVideo(pod: TestPod, uuid: string, wanted = 'published'): Promise<any> {
  return waitUntil(`video ${uuid} to be ${wanted}`, async () => {
    const video = (await (await fetch(`${pod.baseUrl}/api/v1/videos/${uuid}`)).json()) as any;
    if (video.state === 'processing') return undefined;
    assert.equal(video.state, wanted, JSON.stringify(video));
    return video;
  }, 60_000, 50);
}

async function torrentOf(video: any): Promise<{ length: number; pieceLength: number; pieces: Buffer }> {
  const read = readTorrent(Buffer.from(await (await fetch(video.torrentUrl)).arrayBuffer()));
  assert.ok(read.ok);
  const { length, pieceLength, pieces } = read.torrent;
  return { length, pieceLength, pieces };
}

function resumableFiles(pod: TestPod): string[] {
  return readdirSync(pod.get(VideoStorage).resumableUploadsDir).sort();
}

async function multipart(pod: TestPod, token: string, path: string, name: string): Promise<string> {
  const form = new FormData();
  form.set('name', name);
  form.set('videofile', await openAsBlob(path, { type: 'video/mp4' }), 'clip.mp4');
  const answer = await fetch(`${pod.baseUrl}/api/v1/videos/upload`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  assert.equal(answer.status, 201);
  return ((await answer.json()) as { uuid: string }).uuid;
}

const MAX_BYTES = 4 * 1024 * 1024;

describe('PUT /api/v1/videos/upload-resumable', () => {
  let pod: TestPod;
  let token: string;
  let malloryToken: string;
  let path: string;
  let file: Buffer;

  before(async () => {
    pod = await startTestPod({ http: true, reachableHost: true, env: { SWARMTUBE_UPLOADS_MAX_BYTES: String(MAX_BYTES) } });
    token = await pod.adminToken();
    await pod.get(LocalAccounts).createAccount({ username: 'mallory', password: 'mallory-password', role: 'user' });
    const login = await call(pod, 'POST', '/api/v1/users/token', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'mallory', password: 'mallory-password' }) });
    malloryToken = login.body.access_token;
    path = await h264AacMp4Faststart({ seconds: 8 });
    file = readFileSync(path);
    assert.ok(file.length > 4 * CHUNK, `a file of several chunks (${file.length} bytes)`);
  });
  after(() => pod.destroy());

  test('chunk by chunk, through a dropped connection, to a published video whose pieces are those of a multipart upload of the same file', async () => {
    const started = await init(pod, token, file.length, { name: 'Resumed video', description: 'Sent in pieces.', tags: ['resumed'], filename: 'clip.mp4', channelId: 1, privacy: 1, nsfw: false });
    const id = idOf(started);
    assert.deepEqual({ ...started.body, expiresAt: typeof started.body.expiresAt }, { uploadId: id, offset: 0, size: file.length, expiresAt: 'string' });
    assert.equal(await offsetOf(pod, token, id, file.length), 0, 'nothing held yet: 308 without Range');

    const first = await chunk(pod, token, id, file.subarray(0, CHUNK), 0, file.length);
    assert.equal(first.status, 308);
    assert.equal(first.headers.get('range'), `bytes=0-${CHUNK - 1}`);

    // The second chunk's connection drops after half of it: the pod keeps what arrived.
    await dropMidChunk(pod, token, id, file, CHUNK, CHUNK / 2);
    const offset = await offsetOf(pod, token, id, file.length);
    assert.equal(offset, CHUNK + CHUNK / 2, 'the bytes that arrived before the drop are kept');

    const last = await sendFrom(pod, token, id, file, offset);
    assert.equal(last.status, 200, JSON.stringify(last.body));
    assert.deepEqual(last.body, { uuid: last.body.uuid, video: { uuid: last.body.uuid } });
    // The answer to the last chunk is kept, for a client whose connection dropped before it.
    const again = await status(pod, token, id, file.length);
    assert.deepEqual([again.status, again.body], [200, last.body]);

    const video = await waitForVideo(pod, last.body.uuid);
    assert.deepEqual([video.name, video.description, video.tags], ['Resumed video', 'Sent in pieces.', ['resumed']]);
    assert.ok(Buffer.from(await (await fetch(video.webSeedUrls[0])).arrayBuffer()).equals(file), 'the web seed serves the file as sent');

    const plain = await waitForVideo(pod, await multipart(pod, token, path, 'Multipart video'));
    const [resumed, whole] = [await torrentOf(video), await torrentOf(plain)];
    assert.deepEqual(resumed, whole, 'length, piece length and pieces equal (the info-hashes differ only by the name, <uuid>.mp4)');
    const expected = await hashFile(path, choosePieceLength(file.length));
    assert.ok(resumed.pieces.equals(expected.pieces), 'the pieces are those of the file');
    assert.deepEqual(resumableFiles(pod), [`${id}.json`], 'only the kept answer is left');
  });

  test('a client that never saw its connection drop asks for the offset: the request still open is cut off, and the upload goes on', async () => {
    const id = idOf(await init(pod, token, file.length));
    const part = join(pod.get(VideoStorage).resumableUploadsDir, `${id}.part`);
    const stale = http.request(new URL(`${pod.baseUrl}${PATH}?upload_id=${id}`), {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'content-range': `bytes 0-${file.length - 1}/${file.length}`, 'content-length': String(file.length) },
    });
    const staleEnded = new Promise<string>((resolve) => {
      stale.on('error', (error) => resolve(`error ${(error as NodeJS.ErrnoException).code}`));
      stale.on('response', (response) => resolve(`answered ${response.statusCode}`));
    });
    stale.write(file.subarray(0, CHUNK));
    await waitUntil('the first chunk to be on the pod', () => statSync(part).size === CHUNK, 20_000, 5);
    assert.equal(await offsetOf(pod, token, id, file.length), CHUNK);
    assert.match(await staleEnded, /^error /, 'the stale request was cut off');
    const last = await sendFrom(pod, token, id, file, CHUNK);
    assert.equal(last.status, 200, JSON.stringify(last.body));
    await waitForVideo(pod, last.body.uuid);
  });

  test('hostile chunks: wrong offset (409), forged ids (404), another user (404), bytes past the size (413); each changes nothing but the last, which removes the upload', async () => {
    const id = idOf(await init(pod, token, file.length));
    assert.equal((await chunk(pod, token, id, file.subarray(0, CHUNK), 0, file.length)).status, 308);
    const before = readFileSync(join(pod.get(VideoStorage).resumableUploadsDir, `${id}.part`));

    const behind = await chunk(pod, token, id, file.subarray(0, CHUNK), 0, file.length);
    assert.deepEqual([behind.status, behind.body.code, behind.body.offset, behind.headers.get('range')], [409, 'upload-offset-mismatch', CHUNK, `bytes=0-${CHUNK - 1}`]);
    const ahead = await chunk(pod, token, id, file.subarray(2 * CHUNK, 3 * CHUNK), 2 * CHUNK, file.length);
    assert.deepEqual([ahead.status, ahead.body.code], [409, 'upload-offset-mismatch']);
    assert.match(ahead.headers.get('content-type') ?? '', /^application\/problem\+json/);

    for (const forged of ['0'.repeat(32), 'f'.repeat(32), '../../keys', id.toUpperCase(), `${id}.json`, '']) {
      for (const method of ['PUT', 'DELETE']) {
        const answer =
          method === 'PUT'
            ? await chunk(pod, token, forged, file.subarray(CHUNK, 2 * CHUNK), CHUNK, file.length)
            : await call(pod, 'DELETE', `${PATH}?upload_id=${encodeURIComponent(forged)}`, { token });
        assert.deepEqual([answer.status, answer.body.code], [404, 'upload-not-found'], `${method} ${forged}`);
      }
    }
    const twice = await call(pod, 'PUT', `${PATH}?upload_id=${id}&upload_id=${id}`, { token, headers: { 'content-range': `bytes */${file.length}` } });
    assert.deepEqual([twice.status, twice.body.code], [404, 'upload-not-found']);

    // Another user: exactly what a forged id gets, for every method.
    const theirs = await chunk(pod, malloryToken, id, file.subarray(CHUNK, 2 * CHUNK), CHUNK, file.length);
    assert.deepEqual([theirs.status, theirs.body.code], [404, 'upload-not-found']);
    assert.deepEqual((await status(pod, malloryToken, id, file.length)).status, 404);
    const cancelled = await call(pod, 'DELETE', `${PATH}?upload_id=${id}`, { token: malloryToken });
    assert.deepEqual([cancelled.status, cancelled.body.code], [404, 'upload-not-found']);
    assert.equal((await chunk(pod, '', id, file.subarray(CHUNK, 2 * CHUNK), CHUNK, file.length)).status, 401, 'anonymous');

    // Bad headers: 400 or 415 before a byte is read.
    const noRange = await call(pod, 'PUT', `${PATH}?upload_id=${id}`, { token, headers: { 'content-type': 'application/octet-stream' }, body: file.subarray(CHUNK, 2 * CHUNK) });
    assert.deepEqual([noRange.status, noRange.body.code], [400, 'invalid-content-range']);
    const lying = await chunk(pod, token, id, file.subarray(CHUNK, 2 * CHUNK), CHUNK, file.length, { 'content-range': `bytes ${CHUNK}-${CHUNK + 9}/${file.length}` });
    assert.deepEqual([lying.status, lying.body.code], [400, 'invalid-content-range'], 'a range that is not the body');
    const otherSize = await chunk(pod, token, id, file.subarray(CHUNK, 2 * CHUNK), CHUNK, file.length - 1);
    assert.deepEqual([otherSize.status, otherSize.body.code], [400, 'invalid-content-range']);
    const asText = await chunk(pod, token, id, file.subarray(CHUNK, 2 * CHUNK), CHUNK, file.length, { 'content-type': 'text/plain' });
    assert.deepEqual([asText.status, asText.body.code], [415, 'unsupported-media-type']);

    assert.equal(await offsetOf(pod, token, id, file.length), CHUNK, 'none of these moved the offset');
    assert.ok(readFileSync(join(pod.get(VideoStorage).resumableUploadsDir, `${id}.part`)).equals(before), 'nor changed a byte');

    // Past the size declared at the start (itself within uploads.maxBytes): 413, and the upload is gone.
    const past = await chunk(pod, token, id, Buffer.alloc(file.length - CHUNK + 1024, 1), CHUNK, file.length + 1024);
    assert.deepEqual([past.status, past.body.code, past.body.maxBytes], [413, 'payload-too-large', MAX_BYTES]);
    assert.ok(!resumableFiles(pod).some((name) => name.startsWith(id)), 'the partial file is removed');
    assert.equal((await status(pod, token, id, file.length)).status, 404);
  });

  test('hostile starts: over uploads.maxBytes, no size, not a video type, bad fields, too many at once; nothing is created', async () => {
    const filesBefore = resumableFiles(pod);
    for (const [answer, statusCode, code] of [
      [await init(pod, token, MAX_BYTES + 1), 413, 'payload-too-large'],
      [await init(pod, token, 0), 422, 'empty-file'],
      [await call(pod, 'POST', PATH, { token, headers: { 'content-type': 'application/json' }, body: '{"name":"No size"}' }), 400, 'invalid-body'],
      [await call(pod, 'POST', PATH, { token, headers: { 'content-type': 'application/json', 'x-upload-content-length': '-5' }, body: '{"name":"Bad size"}' }), 400, 'invalid-body'],
      [await init(pod, token, 1000, { name: 'A text' }, 'text/plain'), 415, 'unsupported-media-type'],
      [await init(pod, token, 1000, { name: 'x' }), 400, 'invalid-body'],
      [await init(pod, token, 1000, { name: 'Fine name', title: 'typo' }), 400, 'invalid-body'],
      [await init(pod, token, 1000, { name: 'Fine name', filename: 'a\nb' }), 400, 'invalid-body'],
      [await call(pod, 'POST', PATH, { token, headers: { 'content-type': 'application/json', 'x-upload-content-length': '1000' }, body: '[1]' }), 400, 'invalid-body'],
      [await call(pod, 'POST', PATH, { token, headers: { 'content-type': 'application/json', 'x-upload-content-length': '1000' }, body: '{' }), 400, 'malformed-json'],
      [await call(pod, 'POST', PATH, { headers: { 'content-type': 'application/json', 'x-upload-content-length': '1000' }, body: '{"name":"Anonymous"}' }), 401, 'unauthorized'],
    ] as const) {
      assert.deepEqual([answer.status, answer.body.code], [statusCode, code], JSON.stringify(answer.body));
    }
    assert.deepEqual(resumableFiles(pod), filesBefore);

    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(idOf(await init(pod, malloryToken, 1000)));
    assert.ok(pod.get(ResumableUploads).openUploads() >= 10);
    const eleventh = await init(pod, malloryToken, 1000);
    assert.deepEqual([eleventh.status, eleventh.body.code], [429, 'rate-limited']);
    for (const id of ids) assert.equal((await call(pod, 'DELETE', `${PATH}?upload_id=${id}`, { token: malloryToken })).status, 204);
    assert.deepEqual(resumableFiles(pod), filesBefore, 'cancelled uploads leave nothing');
  });

  test('a file that is not a video is refused at its last chunk (422) and leaves nothing; asking again gives the same answer', async () => {
    const text = readFileSync(await textFile());
    const id = idOf(await init(pod, token, text.length, { name: 'Not a video' }));
    const [{ n: jobsBefore }] = await pod.store.readModels.query<{ n: number }>('SELECT COUNT(*) AS n FROM local_video_jobs');
    const last = await chunk(pod, token, id, text, 0, text.length);
    assert.deepEqual([last.status, last.body.code], [422, 'not-a-video']);
    const again = await status(pod, token, id, text.length);
    assert.deepEqual([again.status, again.body.code], [422, 'not-a-video']);
    const [{ n: jobsAfter }] = await pod.store.readModels.query<{ n: number }>('SELECT COUNT(*) AS n FROM local_video_jobs');
    assert.equal(Number(jobsAfter), Number(jobsBefore), 'no job');
    assert.deepEqual(readdirSync(pod.get(VideoStorage).uploadsDir), [], 'no file in uploads/');
    assert.equal((await call(pod, 'DELETE', `${PATH}?upload_id=${id}`, { token })).status, 204);
  });
});

describe('resumable uploads across a restart, and their expiry', () => {
  test('the pod restarts between two chunks: the upload goes on from the bytes on disk (re-hashed once) to the same pieces', async () => {
    const path = await h264AacMp4Faststart({ seconds: 8 });
    const file = readFileSync(path);
    let pod = await startTestPod({ http: true, reachableHost: true });
    // The same port and host after the restart: the log names the pod's actor.
    const same = { SWARMTUBE_PORT: String(pod.port), SWARMTUBE_HOST: pod.config.host };
    const dataDir = pod.config.dataDir;
    try {
      const token = await pod.adminToken();
      const id = idOf(await init(pod, token, file.length));
      assert.equal((await chunk(pod, token, id, file.subarray(0, 3 * CHUNK), 0, file.length)).status, 308);
      await pod.stop();
      pod = await startTestPod({ http: true, dataDir, env: same });
      const again = await pod.adminToken();
      assert.equal(await offsetOf(pod, again, id, file.length), 3 * CHUNK);
      const last = await sendFrom(pod, again, id, file, 3 * CHUNK);
      assert.equal(last.status, 200, JSON.stringify(last.body));
      await waitForVideo(pod, last.body.uuid);
      const read = readTorrent(readFileSync(pod.get(VideoStorage).torrentPath(last.body.uuid)));
      assert.ok(read.ok && read.torrent.pieces.equals((await hashFile(path, choosePieceLength(file.length))).pieces));
    } finally {
      await pod.stop();
      const { rmSync } = await import('node:fs');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('an upload that gets no chunk for uploads.resumableExpirySeconds is removed with its bytes', async () => {
    const pod = await startTestPod({ http: true, reachableHost: true, env: { SWARMTUBE_UPLOADS_RESUMABLE_EXPIRY_SECONDS: '1' } });
    try {
      const token = await pod.adminToken();
      const id = idOf(await init(pod, token, 10 * CHUNK));
      assert.equal((await chunk(pod, token, id, Buffer.alloc(CHUNK, 7), 0, 10 * CHUNK)).status, 308);
      assert.deepEqual(resumableFiles(pod), [`${id}.json`, `${id}.part`].sort());
      await waitUntil('the abandoned upload to be swept', () => resumableFiles(pod).length === 0, 10_000);
      const gone = await status(pod, token, id, 10 * CHUNK);
      assert.deepEqual([gone.status, gone.body.code], [404, 'upload-not-found']);
    } finally {
      await pod.destroy();
    }
  });
});

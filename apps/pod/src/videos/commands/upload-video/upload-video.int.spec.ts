import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, openAsBlob, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  audioOnlyMp3,
  h264AacMp4Faststart,
  h264BaselineAacMp4Faststart,
  mpeg4Mp3Avi,
  pngImage,
  textFile,
  truncatedCopy,
  zeroByteFile,
} from '../../../../../../libs/testing/src/media-fixtures.js';
import { waitUntil } from '../../../../../../libs/testing/src/pod-process.js';
import { startTestPod, type TestPod } from '../../../../../../libs/testing/src/test-pod.js';

/**
 * Uploads as users send them, good and bad. A refused upload answers a problem+json with a
 * stable code and leaves nothing behind: no file in the pod's folders, no job, no event.
 */

interface Sent {
  name?: string;
  description?: string;
  tags?: string[];
  file?: { path: string; type?: string; field?: string };
  extraFields?: Record<string, string>;
  /** Parts after the video (a second file). */
  extraFiles?: Array<{ path: string; field: string }>;
}

async function send(pod: TestPod, token: string | null, sent: Sent): Promise<{ status: number; body: any; contentType: string }> {
  const form = new FormData();
  if (sent.name !== undefined) form.set('name', sent.name);
  if (sent.description !== undefined) form.set('description', sent.description);
  for (const tag of sent.tags ?? []) form.append('tags', tag);
  for (const [key, value] of Object.entries(sent.extraFields ?? {})) form.append(key, value);
  if (sent.file) form.set(sent.file.field ?? 'videofile', await openAsBlob(sent.file.path, { type: sent.file.type ?? 'video/mp4' }), basename(sent.file.path));
  for (const extra of sent.extraFiles ?? []) form.append(extra.field, await openAsBlob(extra.path, { type: 'video/mp4' }), basename(extra.path));
  const response = await fetch(`${pod.baseUrl}/api/v1/videos/upload`, {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: form,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, contentType: response.headers.get('content-type') ?? '' };
}

/**
 * An upload sent without a length (chunked), as a client streaming from a pipe does: a name and
 * a file of `chunks` × 64 KiB of `fill`, handed to the pod one chunk at a time.
 */
function sendChunked(pod: TestPod, token: string, options: { boundary: string; name: string; chunks: number; fill: number }): Promise<Response> {
  const { boundary } = options;
  const chunks = [
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\n${options.name}\r\n--${boundary}\r\nContent-Disposition: form-data; name="videofile"; filename="big.mp4"\r\nContent-Type: video/mp4\r\n\r\n`),
    ...Array.from({ length: options.chunks }, () => Buffer.alloc(64 * 1024, options.fill)),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ];
  return fetch(`${pod.baseUrl}/api/v1/videos/upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    body: new ReadableStream({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    }),
    duplex: 'half',
  } as RequestInit);
}

/** Every file the pod keeps for videos, under its data folder. */
function videoFiles(pod: TestPod): string[] {
  const { storage } = pod.runtime.videos;
  return [storage.uploadsDir, storage.webVideosDir, storage.torrentsDir, storage.thumbnailsDir].flatMap((dir) => readdirSync(dir).map((name) => join(dir, name)));
}

async function state(pod: TestPod): Promise<{ head: number; files: string[]; jobs: number }> {
  const [{ n }] = await pod.runtime.store.readModels.query<{ n: number }>('SELECT COUNT(*) AS n FROM local_video_jobs');
  return { head: await pod.runtime.store.headPosition(), files: videoFiles(pod), jobs: Number(n) };
}

async function assertNothingChanged(pod: TestPod, before: { head: number; files: string[]; jobs: number }): Promise<void> {
  // A refused upload may still be unwinding (removing its partial file) after the answer.
  await waitUntil('the refused upload to leave nothing behind', async () => {
    const now = await state(pod);
    return now.files.length === before.files.length ? now : undefined;
  }, 10_000);
  assert.deepEqual(await state(pod), before, 'no event, no job, no file');
}

async function waitForJob(pod: TestPod, uuid: string, wanted: 'published' | 'failed'): Promise<any> {
  return waitUntil(`video ${uuid} to be ${wanted}`, async () => {
    const response = await fetch(`${pod.baseUrl}/api/v1/videos/${uuid}`);
    const video = (await response.json()) as any;
    if (video.state === 'processing') return undefined;
    assert.equal(video.state, wanted, JSON.stringify(video));
    return video;
  }, 60_000, 50);
}

describe('POST /api/v1/videos/upload', () => {
  let pod: TestPod;
  let token: string;
  let good: string;

  before(async () => {
    pod = await startTestPod({ http: true, reachableHost: true, env: { SWARMTUBE_UPLOADS_MAX_BYTES: String(2 * 1024 * 1024) } });
    token = await pod.adminToken();
    good = await h264AacMp4Faststart({ seconds: 3 });
  });
  after(() => pod.destroy());

  test('a browser-playable MP4 is published as it is, with a torrent, a thumbnail and one VideoPublished', async () => {
    const headBefore = await pod.runtime.store.headPosition();
    const sent = await send(pod, token, { name: 'Holiday at sea', description: 'Waves.', tags: ['sea', 'holiday'], file: { path: good } });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    const video = await waitForJob(pod, sent.body.uuid, 'published');
    assert.deepEqual([video.name, video.description, video.tags, video.duration, video.isLocal, video.mimeType], ['Holiday at sea', 'Waves.', ['sea', 'holiday'], 3, true, 'video/mp4']);
    const file = Buffer.from(await (await fetch(video.webSeedUrls[0])).arrayBuffer());
    assert.ok(file.equals(readFileSync(good)), 'the web seed serves the uploaded bytes');
    const range = await fetch(video.webSeedUrls[0], { headers: { range: 'bytes=0-9' } });
    assert.equal(range.status, 206);
    assert.equal((await range.arrayBuffer()).byteLength, 10);
    const past = await fetch(video.webSeedUrls[0], { headers: { range: `bytes=${file.length + 10}-` } });
    assert.equal(past.status, 416);
    assert.match(past.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal(((await past.json()) as { code: string }).code, 'range-not-satisfiable');
    assert.equal(past.headers.get('content-range'), `bytes */${file.length}`, 'the size, for the client to ask again');
    const thumbnail = Buffer.from(await (await fetch(video.thumbnailUrl)).arrayBuffer());
    assert.deepEqual([...thumbnail.subarray(0, 3)], [0xff, 0xd8, 0xff], 'the thumbnail is a JPEG');
    const torrent = await fetch(video.torrentUrl);
    assert.equal(torrent.headers.get('content-type'), 'application/x-bittorrent');
    const events = await pod.runtime.store.readAll({ after: headBefore, limit: 10 });
    assert.deepEqual(events.map((e) => e.event.type), ['VideoPublished']);
    assert.equal(pod.runtime.videos.registry.has(video.infoHash), true, 'the tracker answers for it');
  });

  test('a file a browser cannot play is transcoded to H.264/AAC MP4, with progress on the way', async () => {
    const sent = await send(pod, token, { name: 'Old camcorder clip', file: { path: await mpeg4Mp3Avi({ seconds: 3 }), type: 'video/x-msvideo' } });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    const video = await waitForJob(pod, sent.body.uuid, 'published');
    assert.equal(video.mimeType, 'video/mp4');
    assert.match(video.webSeedUrls[0], /\.mp4$/);
    assert.equal(video.duration, 3);
  });

  test('a failure that is not the file\'s (the torrents folder unusable) does not fail the job: it waits, retries, and publishes once the folder is back', { timeout: 120_000 }, async () => {
    const { torrentsDir } = pod.runtime.videos.storage;
    rmSync(torrentsDir, { recursive: true });
    writeFileSync(torrentsDir, 'not a folder');
    let uuid: string;
    try {
      const sent = await send(pod, token, { name: 'Patience', file: { path: good } });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      uuid = sent.body.uuid;
      const stalled = await waitUntil('the job to stall', async () => {
        const video = (await (await fetch(`${pod.baseUrl}/api/v1/videos/${uuid}`)).json()) as any;
        assert.equal(video.state, 'processing', JSON.stringify(video));
        return video.step === 'stalled' ? video : undefined;
      }, 60_000, 50);
      assert.equal(stalled.error, null);
    } finally {
      rmSync(torrentsDir, { force: true });
      mkdirSync(torrentsDir);
    }
    const video = await waitForJob(pod, uuid, 'published');
    assert.equal((await fetch(video.torrentUrl)).status, 200);
  });

  test('edit and delete: by the owner or an admin only; delete removes files, torrent and tracker entry', async () => {
    const sent = await send(pod, token, { name: 'To be edited', file: { path: good } });
    const video = await waitForJob(pod, sent.body.uuid, 'published');
    const put = (body: unknown, bearer = token) =>
      fetch(`${pod.baseUrl}/api/v1/videos/${video.uuid}`, { method: 'PUT', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal((await put({ name: 'Edited', tags: ['edit'] })).status, 204);
    const edited = (await (await fetch(`${pod.baseUrl}/api/v1/videos/${video.uuid}`)).json()) as any;
    assert.deepEqual([edited.name, edited.tags], ['Edited', ['edit']]);
    const refused = await put({ name: 'x'.repeat(200) });
    assert.equal(refused.status, 400);
    assert.equal(((await refused.json()) as any).code, 'invalid-body');

    await pod.runtime.accounts.createAccount({ username: 'mallory', password: 'mallory-password', role: 'user' });
    const other = (await pod.runtime.accounts.issueToken('mallory', 'mallory-password'))!;
    const forbidden = await put({ name: 'Mine now' }, other.access_token);
    assert.equal(forbidden.status, 403);
    assert.equal(((await forbidden.json()) as { code: string }).code, 'forbidden');
    assert.equal((await fetch(`${pod.baseUrl}/api/v1/videos/${video.uuid}`, { method: 'DELETE', headers: { authorization: `Bearer ${other.access_token}` } })).status, 403);

    const deleted = await fetch(`${pod.baseUrl}/api/v1/videos/${video.uuid}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    assert.equal(deleted.status, 204);
    assert.equal((await fetch(`${pod.baseUrl}/api/v1/videos/${video.uuid}`)).status, 404);
    for (const url of [video.torrentUrl, video.webSeedUrls[0], video.thumbnailUrl]) assert.equal((await fetch(url)).status, 404, url);
    assert.equal(pod.runtime.videos.registry.has(video.infoHash), false);
    assert.ok(!videoFiles(pod).some((path) => path.includes(video.uuid)), 'no file of the video is left');
  });

  test('delete while processing, at any moment: 204, then the video is nowhere, no file left, and any VideoPublished is followed by its VideoDeleted', async () => {
    // From "cancelled long before publication" to "cancelled while appending VideoPublished":
    // whichever wins, the pod ends consistent (a video published meanwhile is deleted as such).
    const outcomes: string[] = [];
    for (const delayMs of [0, 30, 80, 160, 320]) {
      const head = await pod.runtime.store.headPosition();
      const sent = await send(pod, token, { name: `Deleted after ${delayMs} ms`, file: { path: good } });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      const deleted = await fetch(`${pod.baseUrl}/api/v1/videos/${sent.body.uuid}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
      assert.equal(deleted.status, 204, `after ${delayMs} ms`);
      assert.equal((await fetch(`${pod.baseUrl}/api/v1/videos/${sent.body.uuid}`)).status, 404, `after ${delayMs} ms`);
      const types = (await pod.runtime.store.readAll({ after: head, limit: 10 })).map((e) => e.event.type);
      assert.ok(types.length === 0 || (types.length === 2 && types[0] === 'VideoPublished' && types[1] === 'VideoDeleted'), `after ${delayMs} ms: ${types.join(', ')}`);
      outcomes.push(`${delayMs} ms: ${types.length === 0 ? 'cancelled' : 'published, then deleted'}`);
      assert.equal(await pod.runtime.videos.jobs.get(sent.body.uuid), null, 'no job row');
      assert.ok(!videoFiles(pod).some((path) => path.includes(sent.body.uuid)), `after ${delayMs} ms: no file of the video is left`);
      assert.equal(pod.runtime.videos.processing.busy, false);
    }
    console.log(`  delete while processing: ${outcomes.join('; ')}`);
  });

  const refusals: Array<[string, () => Promise<Sent>, number, string]> = [
    ['not a video (a text file)', async () => ({ name: 'Text', file: { path: await textFile(), type: 'application/octet-stream' } }), 422, 'not-a-video'],
    ['a still image sent as a video', async () => ({ name: 'Image', file: { path: await pngImage(), type: 'video/mp4' } }), 422, 'not-a-video'],
    ['audio only', async () => ({ name: 'Song', file: { path: await audioOnlyMp3(), type: 'video/mp4' } }), 422, 'not-a-video'],
    ['a truncated file (half of it)', async () => ({ name: 'Cut', file: { path: await truncatedCopy(good, 0.5) } }), 422, 'truncated-media'],
    ['a zero-byte file', async () => ({ name: 'Empty', file: { path: await zeroByteFile() } }), 422, 'empty-file'],
    ['a wrong MIME type', async () => ({ name: 'Typed', file: { path: good, type: 'image/png' } }), 415, 'unsupported-media-type'],
    ['a name too long', async () => ({ name: 'n'.repeat(121), file: { path: good } }), 400, 'invalid-body'],
    ['no name', async () => ({ file: { path: good } }), 400, 'invalid-body'],
    ['six tags', async () => ({ name: 'Tags', tags: ['t1', 't2', 't3', 't4', 't5', 't6'], file: { path: good } }), 400, 'invalid-body'],
    ['a tag too long', async () => ({ name: 'Tags', tags: ['t'.repeat(31)], file: { path: good } }), 400, 'invalid-body'],
    ['an unknown field', async () => ({ name: 'Extra', extraFields: { privacy: 'public' }, file: { path: good } }), 400, 'invalid-body'],
    ['no file', async () => ({ name: 'Nothing' }), 400, 'invalid-body'],
    ['the file in another field', async () => ({ name: 'Misplaced', file: { path: good, field: 'file' } }), 400, 'invalid-body'],
    ['a second videofile part', async () => ({ name: 'Twice', file: { path: good }, extraFiles: [{ path: good, field: 'videofile' }] }), 400, 'invalid-body'],
  ];
  for (const [what, make, status, code] of refusals) {
    test(`refused, nothing kept: ${what} → ${status} ${code}`, async () => {
      const before = await state(pod);
      const sent = await send(pod, token, await make());
      assert.equal(sent.status, status, JSON.stringify(sent.body));
      assert.match(sent.contentType, /^application\/problem\+json/);
      assert.equal(sent.body.code, code, sent.body.detail);
      await assertNothingChanged(pod, before);
    });
  }

  test('refused, nothing kept: a file over the limit → 413, and the pod stops reading it', async () => {
    const big = join(tmpdir(), `swarmtube-big-${process.pid}.mp4`);
    spawnSync('truncate', ['-s', String(3 * 1024 * 1024), big]);
    try {
      const before = await state(pod);
      const sent = await send(pod, token, { name: 'Too big', file: { path: big } });
      assert.equal(sent.status, 413);
      assert.equal(sent.body.code, 'payload-too-large');
      await assertNothingChanged(pod, before);
    } finally {
      rmSync(big, { force: true });
    }
  });

  test('refused, nothing kept: an upload cut off midway', async () => {
    const before = await state(pod);
    const boundary = 'cut-off';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nCut off\r\n--${boundary}\r\nContent-Disposition: form-data; name="videofile"; filename="v.mp4"\r\nContent-Type: video/mp4\r\n\r\n`;
    const url = new URL(`${pod.baseUrl}/api/v1/videos/upload`);
    await new Promise<void>((resolve) => {
      const request = http.request(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(1024 * 1024) },
      });
      request.on('error', () => resolve());
      request.on('close', () => resolve());
      request.write(head);
      request.write(readFileSync(good).subarray(0, 64 * 1024), () => setImmediate(() => request.destroy()));
    });
    await assertNothingChanged(pod, before);
  });

  /** Multipart written by hand, the file with a pause before byte `pauseAt`: an upload slow enough to be read ahead of its end. */
  function sendSlowly(name: string, file: Buffer, pauseAt: number, pauseMs: number): Promise<{ status: number; body: any }> {
    const boundary = 'slowly';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\n${name}\r\n--${boundary}\r\nContent-Disposition: form-data; name="videofile"; filename="v.mp4"\r\nContent-Type: video/mp4\r\n\r\n`);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    return new Promise((resolve, reject) => {
      const request = http.request(new URL(`${pod.baseUrl}/api/v1/videos/upload`), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + file.length + tail.length) },
      }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : null }));
      });
      request.on('error', reject);
      request.write(Buffer.concat([head, file.subarray(0, pauseAt)]));
      setTimeout(() => request.end(Buffer.concat([file.subarray(pauseAt), tail])), pauseMs);
    });
  }

  test('a faststart MP4 arriving slowly (probed and thumbnailed on the way) is published as it is, nothing left in uploads/', async () => {
    const file = readFileSync(await h264BaselineAacMp4Faststart({ seconds: 10 }));
    const sent = await sendSlowly('Slow but steady', file, Math.floor(file.length * 0.7), 1_500);
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    const video = await waitForJob(pod, sent.body.uuid, 'published');
    assert.equal(video.duration, 10);
    assert.ok(Buffer.from(await (await fetch(video.webSeedUrls[0])).arrayBuffer()).equals(file));
    const thumbnail = Buffer.from(await (await fetch(video.thumbnailUrl)).arrayBuffer());
    assert.deepEqual([...thumbnail.subarray(0, 3)], [0xff, 0xd8, 0xff], 'the thumbnail is a JPEG');
    assert.deepEqual(readdirSync(pod.runtime.videos.storage.uploadsDir), []);
  });

  test('refused, nothing kept: a faststart MP4 cut in half, arriving slowly (its index read ahead) → 422 truncated-media', async () => {
    const before = await state(pod);
    const cut = readFileSync(await truncatedCopy(await h264BaselineAacMp4Faststart({ seconds: 10 }), 0.5));
    const sent = await sendSlowly('Cut, slowly', cut, Math.floor(cut.length * 0.9), 1_000);
    assert.equal(sent.status, 422, JSON.stringify(sent.body));
    assert.equal(sent.body.code, 'truncated-media');
    await assertNothingChanged(pod, before);
  });

  test('refused: not multipart → 415; no token → 401; a bad token → 401', async () => {
    const t0 = Date.now();
    const json = await fetch(`${pod.baseUrl}/api/v1/videos/upload`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"name":"x"}' }).catch((e) => { throw new Error(`json after ${Date.now() - t0} ms: ${e.cause}`); });
    assert.equal(json.status, 415);
    const t1 = Date.now();
    assert.equal((await send(pod, null, { name: 'Anonymous', file: { path: good } }).catch((e) => { throw new Error(`anon after ${Date.now() - t1} ms: ${e.cause}`); })).status, 401);
    assert.equal((await send(pod, 'not-a-token', { name: 'Forged', file: { path: good } })).status, 401);
  });

  test('GET /api/v1/videos/{uuid} with a malformed or unknown uuid → 404 problem', async () => {
    for (const id of ['not-a-uuid', '../../etc/passwd', '00000000-0000-4000-8000-000000000000', 'x'.repeat(5000)]) {
      const response = await fetch(`${pod.baseUrl}/api/v1/videos/${encodeURIComponent(id)}`);
      assert.equal(response.status, 404, id);
      assert.equal(((await response.json()) as { code: string }).code, 'not-found');
    }
  });
  // Last in this block: Node's fetch (undici) may reuse the connection of a chunked upload
  // refused midway even though the pod answers `Connection: close`, and lose its next request
  // (seen here; noted in the closing report). Other clients are unaffected.
  test('refused, nothing kept: a file over the limit sent without a length (chunked) → 413', async () => {
    const before = await state(pod);
    const response = await sendChunked(pod, token, { boundary: 'swarmtube-boundary', name: 'Chunked', chunks: 48, fill: 7 });
    const problem = (await response.json()) as { code: string; detail: string };
    assert.equal(response.status, 413, problem.detail);
    assert.equal(problem.code, 'payload-too-large');
    await assertNothingChanged(pod, before);
  });

});

describe('a full disk', () => {
  test('an upload that would not fit in the free space is refused up front → 507', async () => {
    const pod = await startTestPod({ http: true, reachableHost: true, env: { SWARMTUBE_UPLOADS_MIN_FREE_BYTES: String(2 ** 52) } });
    try {
      const before = await state(pod);
      const sent = await send(pod, await pod.adminToken(), { name: 'No room', file: { path: await h264AacMp4Faststart({ seconds: 3 }) } });
      assert.equal(sent.status, 507);
      assert.equal(sent.body.code, 'insufficient-storage');
      await assertNothingChanged(pod, before);
    } finally {
      await pod.destroy();
    }
  });

  // A real full disk: the pod's data folder on a 6 MiB tmpfs. Needs the right to mount (root
  // with CAP_SYS_ADMIN, as on the project's machines); elsewhere this one test is skipped.
  const mountPoint = join(tmpdir(), `swarmtube-small-disk-${process.pid}`);
  const mountSmallDisk = () => {
    mkdirSync(mountPoint, { recursive: true });
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', mountPoint]).status === 0) return true;
    rmSync(mountPoint, { recursive: true, force: true });
    return false;
  };
  const unmountSmallDisk = () => {
    spawnSync('umount', [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  };
  // Probed once here, mounted for the test only.
  const mounted = mountSmallDisk();
  if (mounted) unmountSmallDisk();
  test('the disk fills up while a video streams in (no length announced) → 507, the partial file is removed', { skip: mounted ? false : 'cannot mount a tmpfs here' }, async () => {
    assert.ok(mountSmallDisk());
    const pod = await startTestPod({ http: true, reachableHost: true, dataDir: mountPoint, env: { SWARMTUBE_UPLOADS_MIN_FREE_BYTES: '0' } });
    try {
      const before = await state(pod);
      const response = await sendChunked(pod, await pod.adminToken(), { boundary: 'fills-the-disk', name: 'Too much', chunks: 160, fill: 1 });
      assert.equal(response.status, 507);
      assert.equal(((await response.json()) as { code: string }).code, 'insufficient-storage');
      await assertNothingChanged(pod, before);
    } finally {
      await pod.stop();
      unmountSmallDisk();
    }
  });
});

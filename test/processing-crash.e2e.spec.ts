import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { h264AacMp4Faststart, mpeg4Mp3Avi, swarmSizedMp4 } from '../libs/testing/src/media-fixtures.js';
import { createPodProcess, waitUntil, type PodProcess } from '../libs/testing/src/pod-process.js';
import { dropSchema, TEST_POSTGRES_URL, uniqueSchema } from '../libs/testing/src/test-databases.js';
import { getVideo, uploadVideo, waitForState } from './support/videos.js';

/**
 * Fault injection in the processing pipeline: a real pod process kills itself (SIGKILL) at
 * one step of an upload's job (SWARMTUBE_TEST_CRASH_AT, test-only: see
 * apps/pod/src/videos/processing/test-crash.ts), is started again without the hook, and
 * the upload it answered 201 ends published, with its file, torrent and thumbnail, nothing
 * left over in its data folder, and no ffmpeg of the killed process still running.
 */

type Fixture = 'kept' | 'transcoded';
const SCENARIOS: Array<{ at: string; what: string; fixture: Fixture; postgres?: boolean }> = [
  { at: 'accepted', what: 'right after the upload was answered', fixture: 'kept' },
  { at: 'moved', what: 'during the move (file renamed, job row not updated)', fixture: 'kept' },
  { at: 'converting', what: 'during the conversion (ffmpeg running)', fixture: 'transcoded' },
  { at: 'placed', what: 'after the conversion was recorded, before the upload was removed', fixture: 'transcoded' },
  { at: 'hashing', what: 'during hashing', fixture: 'transcoded' },
  { at: 'prepared', what: 'after thumbnail and torrent, before the event', fixture: 'kept' },
  { at: 'published', what: 'after the event, before the job row update', fixture: 'kept' },
  // The same on PostgreSQL (jobs, log and read models there; files on disk alike).
  { at: 'moved', what: 'during the move, on PostgreSQL', fixture: 'kept', postgres: true },
  { at: 'converting', what: 'during the conversion, on PostgreSQL', fixture: 'transcoded', postgres: true },
];

/** Live (not zombie) processes whose command line names `dir`: ffmpeg and ffprobe of that pod. */
function toolsUsing(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      if (cmdline.includes(dir) && state !== 'Z') found.push(`${pid} ${cmdline.split('\0').join(' ')}`);
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** Every file under the pod's video folders and its child-process records, relative to the data folder. */
function videoFiles(dataDir: string): string[] {
  return ['uploads', 'web-videos', 'torrents', 'thumbnails', 'children'].flatMap((dir) => {
    try {
      return readdirSync(join(dataDir, dir)).map((name) => `${dir}/${name}`);
    } catch {
      return [];
    }
  });
}

describe('an upload survives a kill -9 at any step of its job', () => {
  const fixtures = {} as Record<Fixture, string>;
  const pods: PodProcess[] = [];
  const schemas: string[] = [];

  before(async () => {
    fixtures.kept = await h264AacMp4Faststart({ seconds: 3 });
    // Long enough that the conversion is under way when the pod is killed.
    fixtures.transcoded = await mpeg4Mp3Avi({ seconds: 8 });
  });
  after(async () => {
    for (const pod of pods) await pod.destroy();
    for (const schema of schemas) await dropSchema(schema);
  });

  for (const scenario of SCENARIOS) {
    test(`killed ${scenario.what} (${scenario.at}): published after the restart, nothing left over`, { timeout: 240_000 }, async () => {
      const schema = uniqueSchema('crash');
      if (scenario.postgres) schemas.push(schema);
      const env = scenario.postgres ? { SWARMTUBE_DATABASE: TEST_POSTGRES_URL, SWARMTUBE_DATABASE_SCHEMA: schema } : {};
      const pod = await createPodProcess({ name: `crash-${scenario.at}${scenario.postgres ? '-pg' : ''}`, env });
      pods.push(pod);
      await pod.start({ SWARMTUBE_TEST_CRASH_AT: scenario.at });
      const token = await pod.adminToken();
      const { uuid } = await uploadVideo(pod, token, fixtures[scenario.fixture], { name: `Crash at ${scenario.at}`, tags: ['crash'] });
      await waitUntil(`the pod to kill itself at ${scenario.at}`, async () => (pod.running() ? undefined : true), 120_000, 50);
      await waitUntil('no ffmpeg or ffprobe of the killed pod still running', async () => (toolsUsing(pod.dataDir).length === 0 ? true : undefined), 10_000, 50).catch(() => {
        assert.fail(`tools outlived their pod: ${toolsUsing(pod.dataDir).join('; ')}`);
      });

      await pod.start();
      const video = await waitForState(pod, uuid, 'published', 180_000);
      // Both fixtures end as MP4: the faststart one kept, the AVI transcoded.
      const ext = 'mp4';
      const [file, torrent, thumbnail] = await Promise.all([fetch(video.webSeedUrls[0]), fetch(video.torrentUrl), fetch(video.thumbnailUrl)]);
      assert.deepEqual([file.status, torrent.status, thumbnail.status], [200, 200, 200]);
      const bytes = Buffer.from(await file.arrayBuffer());
      assert.equal(bytes.length, video.size);
      if (scenario.fixture === 'kept') assert.ok(bytes.equals(readFileSync(fixtures.kept)), 'a kept upload is published byte for byte');
      assert.deepEqual([...Buffer.from(await thumbnail.arrayBuffer()).subarray(0, 3)], [0xff, 0xd8, 0xff], 'the thumbnail is a JPEG');
      assert.equal(torrent.headers.get('content-type'), 'application/x-bittorrent');
      assert.ok(Buffer.from(await torrent.arrayBuffer()).toString('latin1').startsWith('d8:announce'), 'a bencoded torrent');

      const list = (await (await fetch(`${pod.baseUrl}/api/v1/videos?count=10`)).json()) as { total: number; data: Array<{ uuid: string }> };
      assert.deepEqual(list.data.map((v) => v.uuid), [uuid], 'published once');
      // The job is done and the swept folders hold the video's own files and nothing else.
      await waitUntil('only the video\'s files in the data folder', async () => {
        const files = videoFiles(pod.dataDir).sort();
        return JSON.stringify(files) === JSON.stringify([`thumbnails/${uuid}.jpg`, `torrents/${uuid}.torrent`, `web-videos/${uuid}.${ext}`].sort()) ? true : undefined;
      }, 30_000, 100).catch(() => assert.fail(`left over: ${videoFiles(pod.dataDir).join(', ')}`));
      assert.equal((await getVideo(pod, uuid)).state, 'published');
      assert.deepEqual(toolsUsing(pod.dataDir), []);
      await pod.destroy();
    });
  }

  test('killed while an upload streams in and is read ahead (ffprobe -follow waiting for bytes): the tools die with it, the partial upload is swept at restart', { timeout: 240_000 }, async () => {
    const pod = await createPodProcess({ name: 'crash-read-ahead' });
    pods.push(pod);
    await pod.start();
    const token = await pod.adminToken();
    const bytes = readFileSync(await swarmSizedMp4({ seconds: 8 }));
    const boundary = 'swarmtube-crash-boundary';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nSlow upload\r\n--${boundary}\r\nContent-Disposition: form-data; name="videofile"; filename="slow.mp4"\r\nContent-Type: video/mp4\r\n\r\n`);
    let release!: () => void;
    const never = new Promise<void>((resolve) => (release = resolve));
    // The first half, then nothing until the pod is gone: the read ahead waits at the end of what arrived.
    const upload = fetch(`${pod.baseUrl}/api/v1/videos/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: new ReadableStream({
        async start(controller) {
          controller.enqueue(head);
          controller.enqueue(bytes.subarray(0, bytes.length / 2));
          await never;
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit).catch((error: unknown) => error);
    await waitUntil('the read ahead to be reading the upload', async () => (toolsUsing(pod.dataDir).some((line) => line.includes('-follow')) ? true : undefined), 60_000, 50);
    await pod.kill();
    release();
    await upload;
    await waitUntil('no ffmpeg or ffprobe of the killed pod still running', async () => (toolsUsing(pod.dataDir).length === 0 ? true : undefined), 10_000, 50).catch(() => {
      assert.fail(`tools outlived their pod: ${toolsUsing(pod.dataDir).join('; ')}`);
    });
    await pod.start();
    assert.deepEqual(videoFiles(pod.dataDir), [], 'the upload never answered is swept, with what was made from it');
    await pod.destroy();
  });

  test('an upload whose bytes are really gone after the crash (removed by hand meanwhile): failed `interrupted`, nothing left', { timeout: 240_000 }, async () => {
    const pod = await createPodProcess({ name: 'crash-gone' });
    pods.push(pod);
    await pod.start({ SWARMTUBE_TEST_CRASH_AT: 'accepted' });
    const { uuid } = await uploadVideo(pod, await pod.adminToken(), fixtures.kept, { name: 'Gone meanwhile' });
    await waitUntil('the pod to kill itself', async () => (pod.running() ? undefined : true), 120_000, 50);
    for (const name of readdirSync(join(pod.dataDir, 'uploads'))) rmSync(join(pod.dataDir, 'uploads', name));
    await pod.start();
    const video = await waitForState(pod, uuid, 'failed', 120_000);
    assert.equal(video.error?.code, 'interrupted');
    assert.deepEqual(videoFiles(pod.dataDir), []);
    await pod.destroy();
  });
});

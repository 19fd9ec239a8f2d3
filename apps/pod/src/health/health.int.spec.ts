import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { SQLITE_FILE_NAME } from '@swarmtube/event-store';
import { createPodProcess, freePort, h264AacMp4Faststart, tempDir, videoPublishedDraft, videoUpdatedDraft, waitUntil, type PodProcess } from '@swarmtube/testing';
import { loadPodConfig } from '../config/pod-config.js';
import { EventLog } from '../event-log/event-log.js';
import { PodLog } from '../logger/pod-log.js';
import { openPod } from '../pod-app.js';

const POD_MAIN = join(fileURLToPath(new URL('../', import.meta.url)), 'main.js');

/** A multipart upload sent by hand, so the test decides when its last bytes go. */
function startUpload(pod: PodProcess, token: string, file: Buffer): { sendRest(): void; answer: Promise<{ status: number; body: string } | { error: string }> } {
  const boundary = 'swarmtube-health-test';
  const head = Buffer.from(
    `--${boundary}\r\ncontent-disposition: form-data; name="name"\r\n\r\nSent while stopping\r\n` +
      `--${boundary}\r\ncontent-disposition: form-data; name="videofile"; filename="clip.mp4"\r\ncontent-type: video/mp4\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const half = Math.floor(file.length / 2);
  const req = request(`${pod.baseUrl}/api/v1/videos/upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + file.length + tail.length },
  });
  const answer = new Promise<{ status: number; body: string } | { error: string }>((resolve) => {
    req.on('response', (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body }));
      response.on('error', (error) => resolve({ error: error.message }));
    });
    req.on('error', (error) => resolve({ error: error.message }));
  });
  req.write(Buffer.concat([head, file.subarray(0, half)]));
  return {
    sendRest: () => req.end(Buffer.concat([file.subarray(half), tail])),
    answer,
  };
}

/** The upload's first bytes are on the pod's disk: the request is in flight. */
async function uploadArrived(pod: PodProcess): Promise<void> {
  const dir = join(pod.dataDir, 'uploads');
  await waitUntil('the upload to be streaming in', () => existsSync(dir) && readdirSync(dir).some((name) => name.endsWith('.part') && statSync(join(dir, name)).size > 0), 30_000);
}

describe('health: /livez, /readyz, SIGTERM', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  test('/readyz answers 503 naming the read models while they rebuild from 0, /livez 200 meanwhile, then /readyz 200', async () => {
    const dir = tempDir('swarmtube-readyz-');
    cleanups.push(() => dir.remove());
    const port = await freePort();
    // The same host as the pod that will rebuild: the log's first event names the pod's actor.
    const env = { SWARMTUBE_DATA_DIR: dir.path, SWARMTUBE_ADMIN_PASSWORD: 'test-admin-password', SWARMTUBE_HOST: `127.0.0.1:${port}` };
    // A log long enough for its rebuild to take a moment: 100,000 events (on SQLite the pod
    // answers between pages of 20,000 while it rebuilds, so several pages), appended 500 at a time.
    const builder = await openPod(loadPodConfig({ env }), { logger: PodLog.silent(), env });
    const eventLog = builder.app.get(EventLog);
    const { stream, draft } = videoPublishedDraft({ host: 'elsewhere.example' });
    await eventLog.append(stream, [draft], { expectedVersion: 'no-stream' });
    const uuid = (draft.data as { uuid: string }).uuid;
    for (let i = 0; i < 200; i++) {
      await eventLog.append(stream, Array.from({ length: 500 }, (_, j) => videoUpdatedDraft(uuid, { name: `Renamed ${i}-${j}` })), { expectedVersion: 'any' });
    }
    await builder.close();
    // The read models' meaning changed (a new projection version): the pod rebuilds them from 0.
    const db = new Database(join(dir.path, SQLITE_FILE_NAME));
    db.prepare('UPDATE projection_checkpoints SET version = version + 1000').run();
    db.close();

    const child: ChildProcess = spawn(process.execPath, [POD_MAIN], {
      env: { ...process.env, ...env, SWARMTUBE_PORT: String(port), SWARMTUBE_PEER_PORT: String(await freePort()) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    });
    const notReady: Array<{ error: Record<string, { message?: string; rebuilding?: string[] }> }> = [];
    let livezWhileNotReady = 0;
    const ready = await waitUntil(
      '/readyz to answer 200',
      async () => {
        if (child.exitCode !== null) throw new Error(`pod exited with ${child.exitCode}:\n${output}`);
        const response = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
        if (!response) return undefined; // not listening yet
        const body = (await response.json()) as { error: Record<string, { message?: string; rebuilding?: string[] }> } & { status: string; details: Record<string, { status: string; lag?: number }> };
        if (response.status === 503) {
          notReady.push(body);
          if ((await fetch(`http://127.0.0.1:${port}/livez`)).status === 200) livezWhileNotReady++;
          return undefined;
        }
        assert.equal(response.status, 200, JSON.stringify(body));
        return body;
      },
      180_000,
      20,
    );
    const rebuilding = notReady.filter((body) => (body.error.readModels?.rebuilding?.length ?? 0) > 0);
    assert.ok(rebuilding.length > 0, `a 503 naming the rebuilding read models (saw ${notReady.length} 503s: ${JSON.stringify(notReady.slice(0, 2))})`);
    assert.match(rebuilding[0].error.readModels.message!, /rebuilding/);
    assert.ok(livezWhileNotReady > 0, '/livez answers while not ready');
    assert.equal(ready.status, 'ok');
    assert.deepEqual(Object.keys(ready.details).sort(), ['readModels', 'seeder', 'store', 'tracker']);
    assert.ok(Object.values(ready.details).every((check) => check.status === 'up'));
    assert.equal((ready.details.readModels as { lag?: number }).lag, 0, 'the rebuilt models are at the head of the log');
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0, output);
  });

  test('SIGTERM: an upload streaming in finishes, is answered and commits (there after a restart), and the process exits well within its limit', async () => {
    const pod = await createPodProcess({ name: 'sigterm', env: { SWARMTUBE_SHUTDOWN_TIMEOUT_SECONDS: '60' } });
    cleanups.push(() => pod.destroy());
    await pod.start();
    const token = await pod.adminToken();
    const video = readFileSync(await h264AacMp4Faststart());
    const upload = startUpload(pod, token, video);
    await uploadArrived(pod);
    const started = performance.now();
    const stopped = pod.stop();
    await waitUntil('the pod to say it is stopping', () => /SIGTERM: stopping/.test(pod.output()), 30_000);
    upload.sendRest();
    const answer = await upload.answer;
    assert.ok('status' in answer, `the upload is answered: ${JSON.stringify(answer)}`);
    assert.equal(answer.status, 201, answer.body);
    const { uuid } = JSON.parse(answer.body) as { uuid: string };
    await stopped;
    const seconds = (performance.now() - started) / 1000;
    assert.ok(seconds < 60, `stopped in ${seconds.toFixed(1)} s`);
    assert.match(pod.output(), /stopped/);
    assert.doesNotMatch(pod.output(), /exiting anyway/);
    // What the upload committed is there after a restart.
    await pod.start();
    const response = await fetch(`${pod.baseUrl}/api/v1/videos/${uuid}`);
    assert.equal(response.status, 200, await response.text());
  });

  test('SIGTERM: a request that never ends does not hold the process past shutdownTimeoutSeconds', async () => {
    const pod = await createPodProcess({ name: 'sigterm-stalled', env: { SWARMTUBE_SHUTDOWN_TIMEOUT_SECONDS: '2' } });
    cleanups.push(() => pod.destroy());
    await pod.start();
    const token = await pod.adminToken();
    const upload = startUpload(pod, token, readFileSync(await h264AacMp4Faststart()));
    await uploadArrived(pod);
    const started = performance.now();
    await pod.stop();
    const seconds = (performance.now() - started) / 1000;
    // 2 s, plus the time a loaded machine takes to schedule the process.
    assert.ok(seconds >= 1.9 && seconds < 15, `exited after ${seconds.toFixed(1)} s`);
    assert.match(pod.output(), /not stopped within shutdownTimeoutSeconds \(2 s\): exiting anyway/);
    const answer = await upload.answer;
    assert.ok('error' in answer || answer.status >= 400, `the stalled upload is cut, not accepted: ${JSON.stringify(answer)}`);
  });
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { openEventStore, type OpenedEventStore } from '@swarmtube/event-store';
import { h264AacMp4Faststart } from '@swarmtube/testing';
import { createTestSealer } from '@swarmtube/testing';
import { TEST_POSTGRES_URL, tempDir } from '@swarmtube/testing';
import { waitUntil } from '@swarmtube/testing';
import { PeerDirectory } from '../federation/peer-directory.js';
import { Membership } from '../pods/membership.js';
import { startTestPod, TEST_ADMIN_PASSWORD, type TestPod } from '../testing/test-pod.js';
import { LocalAccounts } from '../users/local-accounts.js';
import { VideoJobs } from '../videos/processing/video-jobs.js';

const ADMIN_CLI = join(fileURLToPath(new URL('.', import.meta.url)), 'admin.cli.js');
const FAILED_JOB = '5a0c1a52-8f2e-4e55-9d59-7d6c6c2f1b11';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI as an admin runs it: its own process (never blocking this one, which may host a live pod). */
function admin(args: string[], input = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ADMIN_CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

for (const database of ['sqlite', 'postgres'] as const) {
  describe(`npm run admin on a stopped pod (${database})`, () => {
    let A: TestPod;
    let B: TestPod;
    let target: string[];
    let ndjson: string;
    let aliceToken: string;
    const scratch = tempDir('swarmtube-admin-');

    /** A look at A's data between commands (no lock: the test only reads and checks passwords). */
    async function look<T>(fn: (store: OpenedEventStore) => Promise<T>): Promise<T> {
      const store = await openEventStore({ database: database === 'sqlite' ? 'sqlite' : TEST_POSTGRES_URL, dataDir: A.config.dataDir, schema: A.config.databaseSchema, sealer: createTestSealer() });
      try {
        return await fn(store);
      } finally {
        await store.close();
      }
    }
    const login = (username: string, password: string) => look(async (store) => (await new LocalAccounts(store.readModels).issueToken(username, password)) !== null);

    before(async () => {
      const quiet = { SWARMTUBE_HEALTH_PROBE_INTERVAL_SECONDS: '0' };
      A = await startTestPod({ database, http: true, reachableHost: true, env: quiet });
      B = await startTestPod({ database, http: true, reachableHost: true, env: quiet });
      await Promise.all([A.startFederation(), B.startFederation()]);
      await B.get(Membership).makeFriends([A.config.host]);
      await waitUntil('A and B friends', async () => (await A.get(PeerDirectory).friendshipWith(B.actor))?.status === 'accepted', 60_000);
      assert.notEqual(await A.get(LocalAccounts).createAccount({ username: 'alice', password: 'alice-password', role: 'user' }), 'taken');
      aliceToken = (await A.get(LocalAccounts).issueToken('alice', 'alice-password'))!.access_token;
      const now = new Date().toISOString();
      await A.get(VideoJobs).insert({
        uuid: FAILED_JOB, owner: 'alice', state: 'failed', progress: 0.2, step: 'failed', errorCode: 'processing-failed', errorMessage: 'ffmpeg was killed',
        name: 'A retried video', description: '', tags: [], sourcePath: null, plan: null, filePath: null, createdAt: now, updatedAt: now,
      });
      await B.destroy();
      await waitUntil('A idle', () => A.idle(), 60_000);
      const response = await fetch(`${A.baseUrl}/api/v1/events`, { headers: { accept: 'application/x-ndjson' } });
      ndjson = await response.text();
      await A.stop();
      target = database === 'sqlite' ? ['--data-dir', A.config.dataDir] : ['--database', TEST_POSTGRES_URL, '--schema', A.config.databaseSchema, '--data-dir', A.config.dataDir];
    }, { timeout: 180_000 });
    after(async () => {
      await B?.destroy();
      await A?.destroy();
      scratch.remove();
    }, { timeout: 60_000 });

    test('list-users and create-user with the password on stdin', async () => {
      const created = await admin(['create-user', 'bob', '--password-stdin', ...target], 'bob-password-1\n');
      assert.equal(created.code, 0, created.stderr);
      assert.match(created.stdout, /account bob created \(user\)/);
      assert.doesNotMatch(created.stdout, /bob-password-1/);
      assert.ok(await login('bob', 'bob-password-1'));
      const listed = await admin(['list-users', ...target]);
      assert.equal(listed.code, 0, listed.stderr);
      assert.deepEqual(listed.stdout.trim().split('\n').map((line) => line.split('\t').slice(0, 2).join(' ')).sort(), ['alice user', 'bob user', 'root admin']);
    });

    test('reset-password prints a generated password once, stores its hash, revokes the old tokens', async () => {
      const reset = await admin(['reset-password', 'alice', ...target]);
      assert.equal(reset.code, 0, reset.stderr);
      const password = /new password of alice: (\S+)/.exec(reset.stdout)?.[1];
      assert.ok(password, reset.stdout);
      assert.ok(await login('alice', password));
      assert.equal(await login('alice', 'alice-password'), false);
      assert.equal(await look(async (store) => new LocalAccounts(store.readModels).sessionFor(aliceToken)), null, "alice's old token is revoked");
      const stored = await look((store) => store.readModels.query<Record<string, string>>('SELECT * FROM local_accounts'));
      assert.ok(!JSON.stringify(stored).includes(password), 'only a hash is stored');
    });

    test('reset-password root from a file', async () => {
      const file = join(scratch.path, 'root-password');
      writeFileSync(file, 'a-new-root-password\n', { mode: 0o600 });
      const reset = await admin(['reset-password', 'root', '--password-file', file, ...target]);
      assert.equal(reset.code, 0, reset.stderr);
      assert.ok(await login('root', 'a-new-root-password'));
      assert.equal(await login('root', TEST_ADMIN_PASSWORD), false);
    });

    test('delete-user, then an unknown user, root, a weak password: exit 1 with the reason, nothing changed', async () => {
      const deleted = await admin(['delete-user', 'bob', ...target]);
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.equal(await login('bob', 'bob-password-1'), false);
      for (const [args, message] of [
        [['delete-user', 'bob'], /no account named "bob"/],
        [['reset-password', 'nobody'], /no account named "nobody"/],
        [['delete-user', 'root'], /root is the pod's own admin/],
        [['create-user', 'bob', '--password-stdin'], /taken/],
        [['retry-job', '00000000-0000-4000-8000-000000000000'], /no video job/],
      ] as const) {
        const run = await admin([...args, ...target], 'long-enough-password\n');
        assert.equal(run.code, 1, `${args.join(' ')}: ${run.stdout}${run.stderr}`);
        assert.match(run.stderr, message);
      }
      const weak = await admin(['create-user', 'carol', '--password-stdin', ...target], 'short\n');
      assert.equal(weak.code, 1);
      assert.match(weak.stderr, /weak password: password: must be 8 to 128 characters \(got 5\)/);
      const weakReset = await admin(['reset-password', 'root', '--password-stdin', ...target], '1234567\n');
      assert.equal(weakReset.code, 1);
      assert.ok(await login('root', 'a-new-root-password'), "root's password did not change");
      const users = await look((store) => new LocalAccounts(store.readModels).list());
      assert.deepEqual(users.map((u) => u.username).sort(), ['alice', 'root']);
    });

    test('bad usage: exit 2 with the usage, nothing opened', async () => {
      for (const [args, message] of [
        [[], /no command/],
        [['frobnicate', ...target], /unknown command "frobnicate"/],
        [['reset-password', 'root', '--password', 'secret-on-argv', ...target], /not taken from the command line/],
        [['reset-password', 'root', '--password=secret-on-argv', ...target], /not taken from the command line/],
        [['reset-password', 'root'], /say where the pod's data is/],
        [['reset-password', ...target], /takes 1 argument, got 0/],
        [['create-user', 'Not A Name', ...target], /username: only lowercase/],
        [['create-user', 'dave', '--role', 'god', ...target], /role: must be "admin" or "user"/],
        [['list-users', '--data-dir', A.config.dataDir, '--schema', 'x'], /--schema goes with --database/],
        [['list-users', '--database', 'mysql://h/db'], /must be a postgres:\/\/ URL/],
        [['list-users', '--bogus', ...target], /Unknown option '--bogus'/],
        [['create-user', 'dave', '--password-file', join(scratch.path, 'none'), ...target], /cannot read --password-file/],
      ] as const) {
        const run = await admin([...args]);
        assert.equal(run.code, 2, `${args.join(' ')}: ${run.stdout}${run.stderr}`);
        assert.match(run.stderr, message);
        assert.match(run.stderr, /usage: npm run admin/);
      }
      const users = await look((store) => new LocalAccounts(store.readModels).list());
      assert.deepEqual(users.map((u) => u.username).sort(), ['alice', 'root']);
    });

    test('friends lists B with its friendship and health', async () => {
      const run = await admin(['friends', ...target]);
      assert.equal(run.code, 0, run.stderr);
      const line = run.stdout.split('\n').find((l) => l.startsWith(B.config.host + '\t'));
      assert.ok(line, run.stdout);
      assert.match(line, new RegExp(`^${B.config.host.replace(/\./g, '\\.')}\taccepted\tactive\t\\d+\t`));
    });

    test('export-log writes the same NDJSON as GET /api/v1/events', async () => {
      const output = join(scratch.path, 'log.ndjson');
      const run = await admin(['export-log', '--output', output, ...target]);
      assert.equal(run.code, 0, run.stderr);
      assert.ok(ndjson.split('\n').length > 3, 'a real log');
      assert.equal(readFileSync(output, 'utf8'), ndjson);
      const toStdout = await admin(['export-log', ...target]);
      assert.equal(toStdout.stdout, ndjson);
      const again = await admin(['export-log', '--output', output, ...target]);
      assert.equal(again.code, 1, 'an existing file is not overwritten');
    });

    test('retry-job queues a failed job from its upload; the next start publishes it; beside that live pod the CLI refuses', async () => {
      const gone = await admin(['retry-job', FAILED_JOB, ...target]);
      assert.equal(gone.code, 1);
      assert.match(gone.stderr, /upload of job .* is gone/);
      const retried = await admin(['retry-job', FAILED_JOB, '--file', await h264AacMp4Faststart(), ...target]);
      assert.equal(retried.code, 0, retried.stderr);
      const notFailed = await admin(['retry-job', FAILED_JOB, ...target]);
      assert.equal(notFailed.code, 1);
      assert.match(notFailed.stderr, /is processing, not failed/);

      const restarted = await startTestPod({ database, dataDir: A.config.dataDir, schema: A.config.databaseSchema, host: A.config.host });
      try {
        const live = await admin(['list-users', ...target]);
        assert.equal(live.code, 1, live.stdout);
        assert.match(live.stderr, database === 'sqlite' ? /in use by a running pod \(PID \d+/ : /is in use by swarmtube pod \(PID \d+\)/);
        await waitUntil('the retried job published', async () => (await restarted.get(VideoJobs).get(FAILED_JOB))?.state === 'published', 120_000);
      } finally {
        await restarted.stop();
      }
      const free = await admin(['list-users', ...target]);
      assert.equal(free.code, 0, free.stderr);
    });
  });
}

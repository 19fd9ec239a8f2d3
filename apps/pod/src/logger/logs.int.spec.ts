import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { createPodProcess, tempDir, waitUntil } from '@swarmtube/testing';
import { ConfigError, loadPodConfig } from '../config/pod-config.js';
import { startTestPod, TEST_ADMIN_PASSWORD, type TestPod } from '../testing/test-pod.js';

const MAIN = join(fileURLToPath(new URL('..', import.meta.url)), 'main.js');
const TURN_SECRET = 'logs-spec-turn-secret-0123456789';

/** A pod's log, as a test reads it: every line written, parsed when JSON. */
class LogSink {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
  json(): Array<Record<string, unknown>> {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
  /** The access line of a request, once written (it is written when the answer is sent). */
  access(requestId: string): Promise<Record<string, unknown>> {
    return waitUntil(`the access line of ${requestId}`, () => this.json().find((line) => line.context === 'access' && line.requestId === requestId));
  }
}

describe('logs: one pino logger, JSON lines, an access log with request ids, no secrets', () => {
  const sink = new LogSink();
  let pod: TestPod;
  before(async () => {
    pod = await startTestPod({
      http: true,
      logSink: sink,
      env: {
        // debug: Nest's own lines and the probes' access lines too; none may hold a secret either.
        SWARMTUBE_LOG_LEVEL: 'debug',
        SWARMTUBE_ICE_TURN_URLS: 'turn:turn.swarm.test:3478?transport=udp',
        SWARMTUBE_ICE_TURN_SECRET: TURN_SECRET,
      },
    });
  });
  after(() => pod.destroy());

  test('production format: every line is one JSON object with a level name, a time, a message and the pod', () => {
    assert.ok(sink.lines.length > 10, 'the start wrote lines');
    for (const line of sink.lines) {
      assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'), `one line: ${line}`);
      const entry = JSON.parse(line) as Record<string, unknown>;
      assert.match(String(entry.level), /^(trace|debug|info|warn|error|fatal)$/);
      assert.ok(!Number.isNaN(Date.parse(String(entry.time))), `an ISO time: ${entry.time}`);
      assert.equal(typeof entry.msg, 'string');
      assert.equal(entry.pod, pod.config.host);
    }
    assert.ok(sink.json().some((entry) => entry.context === 'RoutesResolver'), "Nest's own lines go through the same logger");
  });

  test('an access line per request: method, url, route, status, duration, bytes, client and the id of the X-Request-Id header', async () => {
    const response = await fetch(`${pod.baseUrl}/api/v1/videos?count=2`);
    assert.equal(response.status, 200);
    const body = await response.text();
    const requestId = response.headers.get('x-request-id');
    assert.match(requestId ?? '', /^[0-9a-f-]{36}$/, 'a UUID when the client sent none');
    const line = await sink.access(requestId!);
    assert.equal(line.level, 'info');
    assert.equal(line.method, 'GET');
    assert.equal(line.url, '/api/v1/videos?count=2');
    assert.equal(line.route, '/api/v1/videos');
    assert.equal(line.status, 200);
    assert.equal(typeof line.durationMs, 'number');
    assert.ok((line.bytes as number) > body.length, `bytes sent, headers included: ${line.bytes}`);
    assert.equal(line.client, '127.0.0.1');
    assert.equal(line.msg, 'GET /api/v1/videos?count=2 200');
  });

  test("a problem's body carries the requestId of its X-Request-Id header and of its access line", async () => {
    const response = await fetch(`${pod.baseUrl}/api/v1/videos/no-such-video`);
    assert.equal(response.status, 404);
    assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/);
    const problem = (await response.json()) as { code: string; status: number; requestId: string };
    assert.equal(problem.code, 'not-found');
    assert.equal(problem.requestId, response.headers.get('x-request-id'));
    const line = await sink.access(problem.requestId);
    assert.equal(line.status, 404);
    assert.equal(line.level, 'info', 'a client error is not an error of the pod');

    // Static files and the site are logged too (they are not Nest routes).
    const missing = await fetch(`${pod.baseUrl}/static/thumbnails/nothing.jpg`);
    await missing.arrayBuffer();
    assert.equal((await sink.access(missing.headers.get('x-request-id')!)).url, '/static/thumbnails/nothing.jpg');
  });

  test('an incoming X-Request-Id is kept when it is a short token, replaced otherwise', async () => {
    const kept = await fetch(`${pod.baseUrl}/api/v1/config`, { headers: { 'x-request-id': 'nginx-3f2a9c0e7b1d' } });
    assert.equal(kept.headers.get('x-request-id'), 'nginx-3f2a9c0e7b1d');
    assert.equal((await sink.access('nginx-3f2a9c0e7b1d')).status, 200);
    for (const hostile of ['a b', 'x'.repeat(200), '"},{"level":"fatal', '../../etc']) {
      const response = await fetch(`${pod.baseUrl}/api/v1/config`, { headers: { 'x-request-id': hostile } });
      const id = response.headers.get('x-request-id')!;
      assert.match(id, /^[0-9a-f-]{36}$/, `replaced: ${hostile}`);
      await sink.access(id);
    }
    assert.ok(!sink.lines.some((line) => line.includes('"level":"fatal')), 'no forged line');
  });

  test('health probes are logged at debug, not info', async () => {
    const response = await fetch(`${pod.baseUrl}/livez`);
    assert.equal((await sink.access(response.headers.get('x-request-id')!)).level, 'debug');
  });

  test('no secret in any line: passwords, bearer tokens, cookies, signatures, tokens in URLs, viewer sessions, TURN secret and credentials', async () => {
    const secrets: string[] = [TEST_ADMIN_PASSWORD, TURN_SECRET];
    const login = await fetch(`${pod.baseUrl}/api/v1/users/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'root', password: TEST_ADMIN_PASSWORD }),
    });
    assert.equal(login.status, 200);
    const token = ((await login.json()) as { access_token: string }).access_token;
    secrets.push(token);
    const wrong = 'wrong-password-8c1e55';
    secrets.push(wrong);
    const refused = await fetch(`${pod.baseUrl}/api/v1/users/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `username=root&password=${wrong}`,
    });
    assert.equal(refused.status, 400);
    const cookie = 'session=cookie-secret-77a1';
    const signature = 'keyId="https://evil.example/actor#main-key",signature="c2lnbmF0dXJlLXNlY3JldA=="';
    secrets.push('cookie-secret-77a1', 'c2lnbmF0dXJlLXNlY3JldA==', 'url-token-5521', 'url-password-9911');
    for (const url of ['/api/v1/users/me', '/api/v1/videos?access_token=url-token-5521&password=url-password-9911', '/federation/inbox']) {
      const response = await fetch(`${pod.baseUrl}${url}`, {
        method: url === '/federation/inbox' ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${token}`, cookie, signature, 'content-type': 'application/activity+json' },
        ...(url === '/federation/inbox' ? { body: '{}' } : {}),
      });
      await response.arrayBuffer();
      await sink.access(response.headers.get('x-request-id')!);
    }
    // A TURN credential minted for a viewer session: neither the session nor the credential is logged.
    const session = await fetch(`${pod.baseUrl}/api/v1/p2p/viewer-sessions`, { method: 'POST' });
    const viewer = ((await session.json()) as { token: string }).token;
    const ice = await fetch(`${pod.baseUrl}/api/v1/p2p/ice-servers`, { headers: { 'x-viewer-session': viewer } });
    assert.equal(ice.status, 200);
    const turn = ((await ice.json()) as { iceServers: Array<{ credential?: string }> }).iceServers.find((server) => server.credential);
    secrets.push(viewer, turn!.credential!);
    await sink.access(ice.headers.get('x-request-id')!);

    const withToken = sink.json().find((line) => typeof line.url === 'string' && line.url.includes('access_token'));
    assert.equal(withToken?.url, '/api/v1/videos?access_token=[Redacted]&password=[Redacted]');
    for (const secret of secrets) {
      const leaking = sink.lines.filter((line) => line.includes(secret));
      assert.deepEqual(leaking, [], `"${secret.slice(0, 12)}…" appears in no line`);
    }
  });
});

describe('logs: the client address', () => {
  const forwarded = { 'x-forwarded-for': '203.0.113.7' };

  test('from X-Forwarded-For when the connection comes from a trusted proxy', async () => {
    const sink = new LogSink();
    const pod = await startTestPod({ http: true, logSink: sink, env: { SWARMTUBE_TRUSTED_PROXIES: 'loopback' } });
    try {
      const response = await fetch(`${pod.baseUrl}/api/v1/config`, { headers: forwarded });
      assert.equal((await sink.access(response.headers.get('x-request-id')!)).client, '203.0.113.7');
    } finally {
      await pod.destroy();
    }
  });

  test('the socket address when it does not (the header is anyone\'s to send)', async () => {
    const sink = new LogSink();
    const pod = await startTestPod({ http: true, logSink: sink, env: { SWARMTUBE_TRUSTED_PROXIES: '10.9.8.7' } });
    try {
      const response = await fetch(`${pod.baseUrl}/api/v1/config`, { headers: forwarded });
      assert.equal((await sink.access(response.headers.get('x-request-id')!)).client, '127.0.0.1');
    } finally {
      await pod.destroy();
    }
  });
});

describe("logs: a pod process (main.ts)", () => {
  for (const format of ['json', 'pretty'] as const) {
    test(`${format}: root's generated password is ${format === 'json' ? 'never written' : 'shown once, beside the log'}; start and stop are log lines`, async () => {
      const pod = await createPodProcess({ name: `logs-${format}`, env: { SWARMTUBE_ADMIN_PASSWORD: '', SWARMTUBE_LOG_FORMAT: format } });
      try {
        await pod.start();
        await pod.stop();
        // Its last lines may arrive after its exit.
        await waitUntil('the pod to log its stop', () => /stopped/.test(pod.output()), 30_000);
        const output = pod.output();
        const shown = /password ([A-Za-z0-9_-]{24}) \(shown once/.exec(output);
        if (format === 'pretty') {
          assert.ok(shown, output);
          assert.equal(output.split(shown[1]).length, 2, 'once');
          assert.match(output, /INFO: .* listening on http:\/\//);
        } else {
          assert.equal(shown, null, 'no password');
          const lines = output.trim().split('\n').map((line) => JSON.parse(line) as { level: string; msg: string });
          assert.ok(lines.some((line) => line.level === 'warn' && /root's password was generated .* not written to a JSON log/.test(line.msg)));
          assert.ok(lines.some((line) => line.level === 'info' && /listening on http:\/\//.test(line.msg)));
          assert.ok(lines.some((line) => line.msg === 'SIGTERM: stopping (requests in flight get 20 s)'));
          assert.ok(!/password [A-Za-z0-9_-]{24}/.test(output));
        }
      } finally {
        await pod.destroy();
      }
    });
  }
});

describe('logs: the config', () => {
  test('log.level and log.format default to info and json; a bad value is refused with its key path', () => {
    assert.deepEqual(loadPodConfig({ env: {} }).log, { level: 'info', format: 'json' });
    assert.throws(() => loadPodConfig({ env: { SWARMTUBE_LOG_LEVEL: 'loud' } }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /SWARMTUBE_LOG_LEVEL \(config key "log\.level"\): expected one of fatal, error, warn, info, debug, trace, silent \(got "loud"\)/);
      return true;
    });
    assert.throws(() => loadPodConfig({ env: { SWARMTUBE_LOG_FORMAT: 'xml' } }), /config key "log\.format"\): expected one of json, pretty/);
  });

  test('the pod refuses to start on a bad log.level in its file: exit 2, one line naming the key', () => {
    const dir = tempDir('swarmtube-log-config-');
    try {
      const file = join(dir.path, 'pod.yaml');
      writeFileSync(file, `dataDir: ${join(dir.path, 'data')}\nlog: { level: verbose }\n`);
      const result = spawnSync(process.execPath, [MAIN, '--config', file], { encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH } });
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, /^swarmtube: config file .*pod\.yaml: config key "log\.level": expected one of fatal, error, warn, info, debug, trace, silent \(got "verbose"\)$/m);
    } finally {
      dir.remove();
    }
  });

  test('the pretty format writes readable lines, one per entry, with the context', async () => {
    const sink = new LogSink();
    const pod = await startTestPod({ http: true, logSink: sink, env: { SWARMTUBE_LOG_FORMAT: 'pretty' } });
    try {
      const response = await fetch(`${pod.baseUrl}/api/v1/config`);
      const id = response.headers.get('x-request-id')!;
      const line = await waitUntil('the pretty access line', () => sink.lines.find((l) => l.includes(id)));
      assert.match(line, /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[access\] GET \/api\/v1\/config 200/);
      assert.throws(() => JSON.parse(line));
    } finally {
      await pod.destroy();
    }
  });
});

describe('logs: federation lines name the peer, the sequence numbers and the event ids', () => {
  const sinkA = new LogSink();
  const sinkB = new LogSink();
  let A: TestPod;
  let B: TestPod;
  const quiet = { SWARMTUBE_HEALTH_PROBE_INTERVAL_SECONDS: '0', SWARMTUBE_HEALTH_AUTO_VOTE: 'false' };
  before(async () => {
    A = await startTestPod({ http: true, reachableHost: true, logSink: sinkA, env: quiet });
    B = await startTestPod({ http: true, reachableHost: true, logSink: sinkB, env: quiet });
    await A.startFederation();
    await B.startFederation();
  }, { timeout: 60_000 });
  after(() => Promise.all([A, B].filter(Boolean).map((pod) => pod.destroy())), { timeout: 30_000 });

  test("a delivery's line on the sender and the receipt's on the receiver name the same events; a vote names its events", async () => {
    const token = await B.adminToken();
    const made = await fetch(`${B.baseUrl}/api/v1/pods/make-friends`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ hosts: [A.config.host] }) });
    assert.ok(made.status === 200 || made.status === 202, `make-friends: ${made.status}`);
    const delivered = await waitUntil('A to log a delivery to B', () =>
      sinkA.json().find((line) => line.context === 'federation' && line.outcome === 'delivered' && line.peer === B.actor),
    30_000);
    assert.equal(delivered.level, 'info');
    assert.ok(Array.isArray(delivered.eventIds) && (delivered.eventIds as string[]).every((id) => id.startsWith('urn:uuid:')));
    assert.ok(typeof delivered.fromSeq === 'number' && (delivered.toSeq as number) >= (delivered.fromSeq as number));
    const ids = delivered.eventIds as string[];
    // B has them, by the inbox or by a pull: either line names A and those ids.
    await waitUntil("B to log A's events", () => {
      const got = sinkB.json().filter((line) => line.context === 'federation' && line.outcome === 'appended' && (line.peer === A.actor || line.origin === A.actor));
      return ids.every((id) => got.some((line) => (line.eventIds as string[]).includes(id)));
    }, 30_000);

    const adminA = await A.adminToken();
    const vote = await fetch(`${A.baseUrl}/api/v1/pods/${B.config.host}/expulsion-votes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminA}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'logs spec' }),
    });
    const answer = (await vote.json()) as { event: string };
    assert.equal(vote.status, 201, JSON.stringify(answer));
    const line = await waitUntil('the vote line', () => sinkA.json().find((l) => l.context === 'membership' && l.outcome === 'cast'));
    assert.equal(line.peer, B.actor);
    assert.equal(line.requestId, vote.headers.get('x-request-id'), 'a line written while serving a request carries its id');
    for (const entry of sinkA.lines) assert.equal(entry.match(/"requestId"/g)?.length ?? 0, entry.includes('"requestId"') ? 1 : 0, `one requestId a line: ${entry}`);
    assert.ok((line.eventIds as string[]).includes(answer.event));
    assert.ok((line.seq as number[]).every((n) => typeof n === 'number'));
  });
});

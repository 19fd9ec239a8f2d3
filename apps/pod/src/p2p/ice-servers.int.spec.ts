import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startTestPod, type TestPod } from '../../../../libs/testing/src/test-pod.js';
import { waitUntil } from '../../../../libs/testing/src/wait-until.js';

const SECRET = 'the-coturn-static-auth-secret-0123';

describe('GET /api/v1/p2p/ice-servers: TURN credentials for a live viewer session, never the secret', () => {
  let pod: TestPod;
  before(async () => {
    pod = await startTestPod({
      http: true,
      env: {
        SWARMTUBE_ICE_STUN_URLS: 'stun:stun.swarm.test:3478',
        SWARMTUBE_ICE_TURN_URLS: 'turn:turn.swarm.test:3478?transport=udp,turns:turn.swarm.test:5349',
        SWARMTUBE_ICE_TURN_SECRET: SECRET,
        SWARMTUBE_ICE_CREDENTIAL_TTL_SECONDS: '5',
      },
    });
  });
  after(() => pod.destroy());

  const openSession = async () => {
    const response = await fetch(`${pod.baseUrl}/api/v1/p2p/viewer-sessions`, { method: 'POST' });
    assert.equal(response.status, 201);
    return (await response.json()) as { token: string; expiresAt: string };
  };
  const iceServers = (token?: string) => fetch(`${pod.baseUrl}/api/v1/p2p/ice-servers`, { headers: token === undefined ? {} : { 'x-viewer-session': token } });
  const problem = async (response: Response) => {
    assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/);
    const body = await response.text();
    assert.ok(!body.includes(SECRET));
    return { status: response.status, code: (JSON.parse(body) as { code: string }).code };
  };

  test('with a session: STUN, and TURN with a credential for that session until it ends', async () => {
    const session = await openSession();
    const response = await iceServers(session.token);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const text = await response.text();
    assert.ok(!text.includes(SECRET), 'the secret never leaves the pod');
    const body = JSON.parse(text) as { iceServers: Array<{ urls: string[]; username?: string; credential?: string }>; expiresAt: string };
    assert.deepEqual(body.iceServers[0], { urls: ['stun:stun.swarm.test:3478'] });
    const turn = body.iceServers[1];
    assert.deepEqual(turn.urls, ['turn:turn.swarm.test:3478?transport=udp', 'turns:turn.swarm.test:5349']);
    const expiry = Math.floor(Date.parse(session.expiresAt) / 1000);
    assert.equal(turn.username, `${expiry}:${session.token.split('.')[0]}`);
    assert.equal(turn.credential, createHmac('sha1', SECRET).update(turn.username!).digest('base64'));
    assert.equal(body.expiresAt, session.expiresAt);
  });

  test('without a session, or with a forged one: 401 with a problem code', async () => {
    assert.deepEqual(await problem(await iceServers()), { status: 401, code: 'viewer-session-required' });
    assert.deepEqual(await problem(await iceServers('not-a-session')), { status: 401, code: 'viewer-session-invalid' });
    const session = await openSession();
    const [id, expiry, mac] = session.token.split('.');
    assert.deepEqual(await problem(await iceServers(`${id}.${Number(expiry) + 86_400}.${mac}`)), { status: 401, code: 'viewer-session-invalid' });
  });

  test('replayed after the session expired: 401 viewer-session-expired', async () => {
    const session = await openSession();
    assert.equal((await iceServers(session.token)).status, 200);
    await waitUntil('the session to expire', () => Date.now() > Date.parse(session.expiresAt) + 1000, 20_000, 200);
    assert.deepEqual(await problem(await iceServers(session.token)), { status: 401, code: 'viewer-session-expired' });
  });

  test('the secret is not in /api/v1/config, and sessions per address are limited', async () => {
    assert.ok(!(await (await fetch(`${pod.baseUrl}/api/v1/config`)).text()).includes(SECRET));
    let status = 0;
    for (let i = 0; i < 40 && status !== 429; i += 1) {
      const response = await fetch(`${pod.baseUrl}/api/v1/p2p/viewer-sessions`, { method: 'POST' });
      await response.body?.cancel();
      status = response.status;
    }
    assert.equal(status, 429);
  });
});

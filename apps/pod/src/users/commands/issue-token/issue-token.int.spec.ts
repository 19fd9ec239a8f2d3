import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TEST_ADMIN_PASSWORD, startTestPod, type TestPod } from '../../../testing/test-pod.js';
import { LocalAccounts } from '../../local-accounts.js';

describe('POST /api/v1/users/token', () => {
  let pod: TestPod;
  before(async () => {
    pod = await startTestPod({ http: true });
  });
  after(() => pod.destroy());

  const post = (body: string, type = 'application/json') =>
    fetch(`${pod.baseUrl}/api/v1/users/token`, { method: 'POST', headers: { 'content-type': type }, body });

  test('root gets a bearer token with JSON or a form, and it opens a session', async () => {
    for (const [body, type] of [
      [JSON.stringify({ username: 'root', password: TEST_ADMIN_PASSWORD }), 'application/json'],
      [`username=root&password=${TEST_ADMIN_PASSWORD}&grant_type=password`, 'application/x-www-form-urlencoded'],
      // What PeerTube clients send: client_id and client_secret come along and are ignored.
      [
        `client_id=abc&client_secret=xyz&grant_type=password&response_type=code&username=root&password=${TEST_ADMIN_PASSWORD}`,
        'application/x-www-form-urlencoded',
      ],
    ]) {
      const response = await post(body, type);
      assert.equal(response.status, 200);
      const token = (await response.json()) as { access_token: string; token_type: string; expires_in: number };
      assert.equal(token.token_type, 'Bearer');
      assert.equal(token.expires_in, 86400);
      assert.deepEqual(await pod.get(LocalAccounts).sessionFor(token.access_token), { username: 'root', role: 'admin' });
    }
  });

  test('a revoked token opens nothing', async () => {
    const token = await pod.adminToken();
    await pod.get(LocalAccounts).revoke(token);
    assert.equal(await pod.get(LocalAccounts).sessionFor(token), null);
  });

  const hostile: Array<[string, string, string, number, string]> = [
    ['a wrong password', JSON.stringify({ username: 'root', password: 'guess' }), 'application/json', 400, 'invalid-credentials'],
    ['an unknown user', JSON.stringify({ username: 'mallory', password: 'x' }), 'application/json', 400, 'invalid-credentials'],
    ['no password', JSON.stringify({ username: 'root' }), 'application/json', 400, 'invalid-body'],
    ['a password that is not a string', JSON.stringify({ username: 'root', password: { $gt: '' } }), 'application/json', 400, 'invalid-body'],
    ['a refresh_token grant', 'grant_type=refresh_token&refresh_token=abc', 'application/x-www-form-urlencoded', 400, 'invalid-body'],
    ['a body that is an array', JSON.stringify([1, 2]), 'application/json', 400, 'invalid-body'],
    ['malformed JSON', '{"username": "root", ', 'application/json', 400, 'malformed-json'],
    ['a huge password', JSON.stringify({ username: 'root', password: 'x'.repeat(5000) }), 'application/json', 400, 'invalid-body'],
    ['a body over the size limit', JSON.stringify({ username: 'root', password: 'x'.repeat(2_000_000) }), 'application/json', 413, 'payload-too-large'],
  ];
  for (const [what, body, type, status, code] of hostile) {
    test(`${what}: ${status} ${code}`, async () => {
      const response = await post(body, type);
      assert.equal(response.status, status);
      assert.equal(response.headers.get('content-type')?.split(';')[0], 'application/problem+json');
      assert.equal(((await response.json()) as { code: string }).code, code);
    });
  }

  test('guessing is rate-limited per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await post(JSON.stringify({ username: 'root', password: `guess-${i}` }))).status);
    assert.ok(statuses.includes(429), `got ${statuses.join(',')}`);
    const limited = await post(JSON.stringify({ username: 'root', password: TEST_ADMIN_PASSWORD }));
    assert.equal(limited.status, 429, 'even good credentials wait once the limit is hit');
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${limited.headers.get('retry-after')}`);
  });
});

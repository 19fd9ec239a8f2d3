import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestPod, type TestPod } from '../../../testing/test-pod.js';
import { accountsClient, assertProblem } from '../../testing/accounts-http.js';

const PASSWORD = 'correct horse battery';

describe('POST /api/v1/users/revoke-token', () => {
  let pod: TestPod;
  let client: ReturnType<typeof accountsClient>;
  const revoke = (token?: string) => client.call('POST', '/api/v1/users/revoke-token', undefined, { token });
  before(async () => {
    pod = await startTestPod({ http: true });
    client = accountsClient(pod);
    await client.call('POST', '/api/v1/users', { username: 'alice', password: PASSWORD, role: 'user' }, { token: await pod.adminToken() });
  });
  after(() => pod.destroy());

  test('logging out on one device ends exactly that login', async () => {
    const laptop = await client.login('alice', PASSWORD);
    const phone = await client.login('alice', PASSWORD);
    const root = await pod.adminToken();
    const answer = await revoke(laptop);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, {});
    const after = await client.me(laptop);
    assertProblem(after, 401, 'unauthorized');
    assert.match(after.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    assert.equal((await client.me(phone)).status, 200);
    assert.equal((await client.me(root)).status, 200);
  });

  test('a revoked token cannot revoke again, and logging in again works', async () => {
    const token = await client.login('alice', PASSWORD);
    assert.equal((await revoke(token)).status, 200);
    assertProblem(await revoke(token), 401, 'unauthorized');
    assert.equal((await client.me(await client.login('alice', PASSWORD))).status, 200);
  });

  test('without a token: 401', async () => {
    assertProblem(await revoke(), 401, 'unauthorized');
  });
});

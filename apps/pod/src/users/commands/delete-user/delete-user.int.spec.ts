import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestPod, type TestPod } from '../../../testing/test-pod.js';
import { accountsClient, accountsSnapshot, assertProblem } from '../../testing/accounts-http.js';

const PASSWORD = 'correct horse battery';

describe('DELETE /api/v1/users/{username} (admin)', () => {
  let pod: TestPod;
  let client: ReturnType<typeof accountsClient>;
  let rootToken: string;
  const remove = (username: string, token?: string) => client.call('DELETE', `/api/v1/users/${username}`, undefined, { token });
  before(async () => {
    pod = await startTestPod({ http: true });
    pod.config.signup = true;
    client = accountsClient(pod);
    rootToken = await pod.adminToken();
    for (const username of ['bob', 'eve']) await client.register({ username, password: PASSWORD });
  });
  after(() => pod.destroy());

  test('a deleted account is logged out everywhere, cannot log in, and its name stays taken', async () => {
    const tokens = [await client.login('bob', PASSWORD), await client.login('bob', PASSWORD)];
    const answer = await remove('bob', rootToken);
    assert.equal(answer.status, 204);
    for (const token of tokens) assertProblem(await client.me(token), 401, 'unauthorized');
    assertProblem(await client.call('POST', '/api/v1/users/token', { username: 'bob', password: PASSWORD }), 400, 'invalid-credentials');
    assertProblem(await client.register({ username: 'bob', password: 'a new password' }), 409, 'username-taken');
    assertProblem(await client.call('POST', '/api/v1/users', { username: 'bob', password: PASSWORD, role: 'user' }, { token: rootToken }), 409, 'username-taken');
    assert.equal((await client.me(await client.login('eve', PASSWORD))).status, 200, 'other accounts are untouched');
  });

  test('root cannot be deleted, not even by root', async () => {
    const before = await accountsSnapshot(pod);
    assertProblem(await remove('root', rootToken), 403, 'forbidden');
    assert.deepEqual(await accountsSnapshot(pod), before);
    assert.equal((await client.me(rootToken)).status, 200);
  });

  const missing = ['nobody', 'bob', 'NOBODY', '%C3%A9lise', "x'%20OR%20'1'%3D'1", 'a'.repeat(300)];
  for (const username of missing) {
    test(`an account that does not exist (${username.slice(0, 30)}): 404, nothing changed`, async () => {
      const before = await accountsSnapshot(pod);
      assertProblem(await remove(username, rootToken), 404, 'not-found');
      assert.deepEqual(await accountsSnapshot(pod), before);
    });
  }

  test('a user cannot delete anyone, themselves included', async () => {
    const eve = await client.login('eve', PASSWORD);
    const before = await accountsSnapshot(pod);
    assertProblem(await remove('eve', eve), 403, 'forbidden');
    assertProblem(await remove('eve'), 401, 'unauthorized');
    assert.deepEqual(await accountsSnapshot(pod), before);
  });
});

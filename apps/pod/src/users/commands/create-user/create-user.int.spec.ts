import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestPod, type TestPod } from '../../../testing/test-pod.js';
import { accountsClient, accountsSnapshot, assertProblem } from '../../testing/accounts-http.js';

const PASSWORD = 'correct horse battery';

describe('POST /api/v1/users (admin)', () => {
  let pod: TestPod;
  let client: ReturnType<typeof accountsClient>;
  let rootToken: string;
  const create = (body: unknown, token?: string) => client.call('POST', '/api/v1/users', body, { token });
  before(async () => {
    pod = await startTestPod({ http: true });
    client = accountsClient(pod);
    rootToken = await pod.adminToken();
  });
  after(() => pod.destroy());

  test('root makes a user and an admin, signup off notwithstanding; each logs in with its role', async () => {
    assert.equal(pod.config.signup, false);
    for (const [username, role] of [['carol', 'user'], ['dave', 'admin']]) {
      const created = await create({ username, password: PASSWORD, role }, rootToken);
      assert.equal(created.status, 201);
      assert.equal(created.body!.username, username);
      assert.equal(created.body!.role, role);
      assert.ok(!Number.isNaN(Date.parse(created.body!.createdAt as string)));
      const me = await client.me(await client.login(username, PASSWORD));
      assert.deepEqual(me.body, created.body);
    }
  });

  test('an admin made by root can make accounts too', async () => {
    const dave = await client.login('dave', PASSWORD);
    assert.equal((await create({ username: 'erin', password: PASSWORD, role: 'user' }, dave)).status, 201);
  });

  test('a user cannot use admin endpoints: 403 forbidden, nothing made', async () => {
    const carol = await client.login('carol', PASSWORD);
    const before = await accountsSnapshot(pod);
    const answer = await create({ username: 'mallory', password: PASSWORD, role: 'admin' }, carol);
    assertProblem(answer, 403, 'forbidden');
    assert.match(answer.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/);
    assertProblem(await client.call('DELETE', '/api/v1/users/erin', undefined, { token: carol }), 403, 'forbidden');
    assertProblem(await client.call('POST', '/api/v1/pods/quit-friends', undefined, { token: carol }), 403, 'forbidden');
    assert.deepEqual(await accountsSnapshot(pod), before);
  });

  test('without a token: 401 with a Bearer challenge, nothing made', async () => {
    const before = await accountsSnapshot(pod);
    const answer = await create({ username: 'mallory', password: PASSWORD, role: 'admin' });
    assertProblem(answer, 401, 'unauthorized');
    assert.match(answer.headers.get('www-authenticate') ?? '', /^Bearer /);
    assert.deepEqual(await accountsSnapshot(pod), before);
  });

  const refused: Array<[string, unknown, number, string]> = [
    ['a taken name', { username: 'carol', password: PASSWORD, role: 'user' }, 409, 'username-taken'],
    ['root', { username: 'root', password: PASSWORD, role: 'admin' }, 409, 'username-taken'],
    ['an unknown role', { username: 'mod', password: PASSWORD, role: 'moderator' }, 400, 'invalid-body'],
    ["PeerTube's numeric role", { username: 'mod', password: PASSWORD, role: 0 }, 400, 'invalid-body'],
    ['no role', { username: 'mod', password: PASSWORD }, 400, 'invalid-body'],
    ['an uppercase name', { username: 'Mod', password: PASSWORD, role: 'user' }, 400, 'invalid-body'],
    ['a short password', { username: 'mod', password: 'short', role: 'user' }, 400, 'invalid-body'],
    ['an array', [{ username: 'mod', password: PASSWORD, role: 'user' }], 400, 'invalid-body'],
  ];
  for (const [what, body, status, code] of refused) {
    test(`${what}: ${status} ${code}, nothing changed`, async () => {
      const before = await accountsSnapshot(pod);
      assertProblem(await create(body, rootToken), status, code);
      assert.deepEqual(await accountsSnapshot(pod), before);
    });
  }
});

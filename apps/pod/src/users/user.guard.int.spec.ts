import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestPod, type TestPod } from '../testing/test-pod.js';
import { LocalAccounts } from './local-accounts.js';
import { accountsClient, assertProblem } from './testing/accounts-http.js';

const PASSWORD = 'correct horse battery';
const HOUR = 3600 * 1000;

/** The guard as a client meets it, through GET /api/v1/users/me. */
describe('UserGuard (GET /api/v1/users/me)', () => {
  let pod: TestPod;
  let client: ReturnType<typeof accountsClient>;
  let token: string;
  before(async () => {
    pod = await startTestPod({ http: true });
    client = accountsClient(pod);
    await client.call('POST', '/api/v1/users', { username: 'alice', password: PASSWORD, role: 'user' }, { token: await pod.adminToken() });
    token = await client.login('alice', PASSWORD);
  });
  after(() => pod.destroy());

  /** A login made `hoursAgo` hours ago: the same database, a clock set back. */
  const loginAt = async (hoursAgo: number) =>
    (await new LocalAccounts(pod.store.readModels, () => new Date(Date.now() - hoursAgo * HOUR)).issueToken('alice', PASSWORD))!.access_token;

  test('a token lets its owner in, with the scheme in any case', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const me = await client.call('GET', '/api/v1/users/me', undefined, { authorization: `${scheme} ${token}` });
      assert.equal(me.status, 200, scheme);
      assert.equal(me.body!.username, 'alice');
    }
  });

  test('a login from 23 hours ago still works; one from 25 hours ago has expired', async () => {
    assert.equal((await client.me(await loginAt(23))).status, 200);
    const expired = await client.me(await loginAt(25));
    assertProblem(expired, 401, 'unauthorized');
    assert.equal(expired.headers.get('www-authenticate'), 'Bearer realm="swarmtube", error="invalid_token"');
  });

  test('no Authorization header: 401 with a plain challenge', async () => {
    const answer = await client.call('GET', '/api/v1/users/me');
    assertProblem(answer, 401, 'unauthorized');
    assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="swarmtube"');
  });

  const latin1 = (utf8: string) => Buffer.from(utf8, 'utf8').toString('latin1');
  const hostile: Array<[string, (token: string) => string]> = [
    ['Basic credentials', () => `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`],
    ['the token without a scheme', (t) => t],
    ['"Bearer" alone', () => 'Bearer'],
    ['two spaces', (t) => `Bearer  ${t}`],
    ['a token then more', (t) => `Bearer ${t} ${t}`],
    ['two tokens', (t) => `Bearer ${t}, Bearer ${t}`],
    ['a quoted token', (t) => `Bearer "${t}"`],
    ['one character too many', (t) => `Bearer ${t}x`],
    ['one character too few', (t) => `Bearer ${t.slice(1)}`],
    ['a 10 KB token', () => `Bearer ${'a'.repeat(10_000)}`],
    ['a Latin-1 token', () => 'Bearer tökén'],
    // fetch sends a header string's code points as bytes: this puts raw UTF-8 on the wire.
    ['a UTF-8 token', () => latin1('Bearer ключ🔑')],
    ['the token with UTF-8 after it', (t) => latin1(`Bearer ${t}é`)],
    ['SQL in the token', () => "Bearer ' OR '1'='1"],
  ];
  for (const [what, authorization] of hostile) {
    test(`${what}: 401 unauthorized, never 500`, async () => {
      const answer = await client.call('GET', '/api/v1/users/me', undefined, { authorization: authorization(token) });
      assertProblem(answer, 401, 'unauthorized');
      assert.match(answer.headers.get('www-authenticate') ?? '', /^Bearer realm="swarmtube"/);
    });
  }
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestPod, type TestDatabase, type TestPod } from '../../../testing/test-pod.js';
import { accountsClient, accountsSnapshot, assertProblem } from '../../testing/accounts-http.js';

const PASSWORD = 'correct horse battery';

for (const database of ['sqlite', 'postgres'] as TestDatabase[]) {
  describe(`POST /api/v1/users/register (${database})`, () => {
    let pod: TestPod;
    let client: ReturnType<typeof accountsClient>;
    before(async () => {
      pod = await startTestPod({ http: true, database });
      pod.config.signup = true;
      client = accountsClient(pod);
    });
    after(() => pod.destroy());

    test('a visitor signs up, logs in and sees who they are', async () => {
      const started = Date.now();
      const registered = await client.register({ username: 'alice', password: PASSWORD, email: 'alice@example.org' });
      assert.equal(registered.status, 204);
      const token = await client.login('alice', PASSWORD);
      const me = await client.me(token);
      assert.equal(me.status, 200);
      assert.deepEqual(Object.keys(me.body!).sort(), ['createdAt', 'role', 'username']);
      assert.equal(me.body!.username, 'alice');
      assert.equal(me.body!.role, 'user');
      assert.ok(Date.parse(me.body!.createdAt as string) >= started - 1000, `createdAt ${me.body!.createdAt}`);
    });

    test('a taken name is refused and the first owner keeps their password', async () => {
      const before = await accountsSnapshot(pod);
      assertProblem(await client.register({ username: 'alice', password: 'another password' }), 409, 'username-taken');
      assertProblem(await client.register({ username: 'root', password: 'another password' }), 409, 'username-taken');
      assert.deepEqual(await accountsSnapshot(pod), before);
      await client.login('alice', PASSWORD);
    });

    test('five sign-ups racing for one name: exactly one wins', async () => {
      const answers = await Promise.all([1, 2, 3, 4, 5].map((i) => client.register({ username: 'racer', password: `password number ${i}` })));
      assert.deepEqual(answers.map((a) => a.status).sort(), [204, 409, 409, 409, 409]);
      const winner = answers.findIndex((a) => a.status === 204) + 1;
      await client.login('racer', `password number ${winner}`);
    });
  });
}

describe('POST /api/v1/users/register: what it accepts', () => {
  let pod: TestPod;
  let client: ReturnType<typeof accountsClient>;
  before(async () => {
    pod = await startTestPod({ http: true });
    client = accountsClient(pod);
  });
  after(() => pod.destroy());

  test('with signup off (the default) no one can sign up', async () => {
    assert.equal(pod.config.signup, false);
    const before = await accountsSnapshot(pod);
    assertProblem(await client.register({ username: 'alice', password: PASSWORD }), 403, 'signup-disabled');
    assert.deepEqual(await accountsSnapshot(pod), before);
    pod.config.signup = true;
  });

  test('names of 1 and 50 characters, passwords of 8 and 128 (counted as characters, not bytes)', async () => {
    for (const [username, password] of [
      ['b', '12345678'],
      ['a'.repeat(50), 'p'.repeat(128)],
      ['c.d_9', '🔑'.repeat(8)],
    ]) {
      assert.equal((await client.register({ username, password })).status, 204, username);
      await client.login(username, password);
    }
  });

  test('what a PeerTube client sends (displayName, channel) and a form both work', async () => {
    const peertube = { username: 'pt_user', password: PASSWORD, email: 'pt@example.org', displayName: 'PT', channel: { name: 'pt_channel', displayName: 'Ch' } };
    assert.equal((await client.register(peertube)).status, 204);
    const form = await client.register(undefined, { raw: { body: `username=form_user&password=${encodeURIComponent(PASSWORD)}`, type: 'application/x-www-form-urlencoded' } });
    assert.equal(form.status, 204);
    await client.login('form_user', PASSWORD);
  });

  const hostile: Array<[string, unknown, string?]> = [
    ['an uppercase name', { username: 'Alice', password: PASSWORD }, 'username'],
    ['ROOT', { username: 'ROOT', password: PASSWORD }, 'username'],
    ['a name with a space', { username: 'al ice', password: PASSWORD }, 'username'],
    ['a name of 51 characters', { username: 'a'.repeat(51), password: PASSWORD }, 'username'],
    ['a name of 100 000 characters', { username: 'a'.repeat(100_000), password: PASSWORD }, 'username'],
    ['a Cyrillic name', { username: 'аlice', password: PASSWORD }, 'username'],
    ['an accented name', { username: 'élise', password: PASSWORD }, 'username'],
    ['an SQL-ish name', { username: "alice'); DROP TABLE local_accounts; --", password: PASSWORD }, 'username'],
    ['a path-ish name', { username: '../root', password: PASSWORD }, 'username'],
    ['a name with a newline', { username: 'alice\n', password: PASSWORD }, 'username'],
    ['a name with a NUL', { username: 'alice\u0000', password: PASSWORD }, 'username'],
    ['an empty name', { username: '', password: PASSWORD }, 'username'],
    ['no name', { password: PASSWORD }, 'username'],
    ['a number as name', { username: 42, password: PASSWORD }, 'username'],
    ['an array as name', { username: ['alice'], password: PASSWORD }, 'username'],
    ['an object as name', { username: { $ne: null }, password: PASSWORD }, 'username'],
    ['null as name', { username: null, password: PASSWORD }, 'username'],
    ['a password of 7 characters', { username: 'shorty', password: '1234567' }, 'password'],
    ['a password of 7 emoji (14 UTF-16 units)', { username: 'shorty', password: '🔑'.repeat(7) }, 'password'],
    ['a password of 129 characters', { username: 'longy', password: 'p'.repeat(129) }, 'password'],
    ['an empty password', { username: 'shorty', password: '' }, 'password'],
    ['no password', { username: 'shorty' }, 'password'],
    ['a number as password', { username: 'shorty', password: 12345678 }, 'password'],
    ['an array as password', { username: 'shorty', password: [PASSWORD] }, 'password'],
    ['a malformed email', { username: 'mailer', password: PASSWORD, email: 'not an email' }, 'email'],
    ['an email that is not a string', { username: 'mailer', password: PASSWORD, email: ['a@b.c'] }, 'email'],
    ['a body that is an array', [{ username: 'arr', password: PASSWORD }]],
  ];
  for (const [what, body, field] of hostile) {
    test(`${what}: 400 invalid-body naming ${field ?? 'the body'}, nothing created`, async () => {
      const before = await accountsSnapshot(pod);
      const answer = await client.register(body);
      assertProblem(answer, 400, 'invalid-body');
      const problems = answer.body!.problems as string[];
      assert.ok(Array.isArray(problems) && problems.length > 0);
      if (field) assert.ok(problems.every((p) => p.startsWith(`${field}:`)), problems.join('; '));
      assert.deepEqual(await accountsSnapshot(pod), before);
    });
  }

  test('two problems at once are both listed', async () => {
    const answer = await client.register({ username: 'Bad Name', password: 'short' });
    assertProblem(answer, 400, 'invalid-body');
    assert.equal((answer.body!.problems as string[]).length, 2);
  });

  const raw: Array<[string, string, string, number, string]> = [
    ['malformed JSON', '{"username": "mal", ', 'application/json', 400, 'malformed-json'],
    // The JSON parser is strict: a body is an object or an array, never a bare value.
    ['a body that is a JSON string', '"arr"', 'application/json', 400, 'malformed-json'],
    ['a body that is JSON null', 'null', 'application/json', 400, 'malformed-json'],
    ['a text/plain body', 'username=plain&password=plainplain', 'text/plain', 400, 'invalid-body'],
    ['a repeated form field', `username=a&username=b&password=${PASSWORD}`, 'application/x-www-form-urlencoded', 400, 'invalid-body'],
    ['a body of more than 1 MB', JSON.stringify({ username: 'big', password: PASSWORD, pad: 'x'.repeat(1_100_000) }), 'application/json', 413, 'payload-too-large'],
  ];
  for (const [what, body, type, status, code] of raw) {
    test(`${what}: ${status} ${code}, nothing created`, async () => {
      const before = await accountsSnapshot(pod);
      assertProblem(await client.register(undefined, { raw: { body, type } }), status, code);
      assert.deepEqual(await accountsSnapshot(pod), before);
    });
  }
});

describe('POST /api/v1/users/register: rate limit', () => {
  let pod: TestPod;
  before(async () => {
    pod = await startTestPod({ http: true });
    pod.config.signup = true;
  });
  after(() => pod.destroy());

  test('after 10 sign-ups an address waits, told how long, and the 11th account is not made', async () => {
    const client = accountsClient(pod);
    for (let i = 0; i < 10; i++) assert.equal((await client.register({ username: `user${i}`, password: PASSWORD })).status, 204);
    const before = await accountsSnapshot(pod);
    const limited = await client.register({ username: 'user10', password: PASSWORD });
    assertProblem(limited, 429, 'rate-limited');
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter > 3000 && retryAfter <= 3600, `Retry-After: ${limited.headers.get('retry-after')}`);
    assert.deepEqual(await accountsSnapshot(pod), before);
    // Signing up is limited, not the accounts already made.
    await client.login('user0', PASSWORD);
  });
});

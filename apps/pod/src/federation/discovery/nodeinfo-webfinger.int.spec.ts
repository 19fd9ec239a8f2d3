import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { videoDeletedDraft, videoPublishedDraft } from '../../../../../libs/testing/src/event-fixtures.js';
import { startTestPod, type TestPod } from '../../../../../libs/testing/src/test-pod.js';
import { waitUntil } from '../../../../../libs/testing/src/wait-until.js';
import { accountsClient } from '../../users/testing/accounts-http.js';

/** What a fediverse crawler (NodeInfo) and a browser-side client (WebFinger) see of a pod. */
describe('NodeInfo usage and WebFinger CORS', () => {
  let pod: TestPod;
  before(async () => {
    pod = await startTestPod({ http: true, host: 'pod.test:9001' });
  });
  after(() => pod.destroy());

  const usage = async (): Promise<{ users: { total: number }; localPosts: number }> =>
    ((await (await fetch(`${pod.baseUrl}/nodeinfo/2.1`)).json()) as { usage: { users: { total: number }; localPosts: number } }).usage;

  test('NodeInfo counts the accounts and the local videos, and follows deletions', async () => {
    assert.deepEqual(await usage(), { users: { total: 1 }, localPosts: 0 }, 'root alone, no video');
    const client = accountsClient(pod);
    const token = await pod.adminToken();
    for (const username of ['alice', 'bob', 'carol']) {
      assert.equal((await client.call('POST', '/api/v1/users', { username, password: 'correct horse battery', role: 'user' }, { token })).status, 201);
    }
    const uuids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { stream, draft } = videoPublishedDraft({ host: 'pod.test:9001' });
      await pod.runtime.eventLog.append(stream, [draft], { expectedVersion: 'no-stream' });
      uuids.push(stream.slice('video:'.length));
    }
    await waitUntil('4 local videos in NodeInfo', async () => (await usage()).localPosts === 4 || undefined, 20_000);
    assert.deepEqual(await usage(), { users: { total: 4 }, localPosts: 4 });

    assert.equal((await client.call('DELETE', '/api/v1/users/bob', undefined, { token })).status, 204);
    await pod.runtime.eventLog.append(`video:${uuids[0]}`, [videoDeletedDraft(uuids[0])], { expectedVersion: 'any' });
    await waitUntil('the deleted video to leave the count', async () => (await usage()).localPosts === 3 || undefined, 20_000);
    assert.deepEqual(await usage(), { users: { total: 3 }, localPosts: 3 });
  });

  test('WebFinger answers, refusals included, carry Access-Control-Allow-Origin: * (RFC 7033 section 5)', async () => {
    for (const [query, status] of [
      [`resource=${encodeURIComponent('acct:pod@pod.test:9001')}`, 200],
      ['resource=acct:alice@elsewhere.test', 404],
      ['', 400],
    ] as const) {
      const response = await fetch(`${pod.baseUrl}/.well-known/webfinger?${query}`, { headers: { origin: 'https://client.example' } });
      assert.equal(response.status, status, query);
      assert.equal(response.headers.get('access-control-allow-origin'), '*', query);
      await response.arrayBuffer();
    }
  });
});

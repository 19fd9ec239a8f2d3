import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { waitUntil } from '@swarmtube/testing';
import { startTestPod, type TestPod } from '../testing/test-pod.js';
import { Membership } from './membership.js';
import type { FriendshipDraft } from './domain/friendship.js';
import { PeerDirectory } from '../federation/peer-directory.js';

/**
 * A pod with friends.autoAccept off: friendship requests wait for its admin, who accepts or
 * rejects them, and may later drop a friend. Each answer is a signed event the requester
 * receives; hostile or pointless requests are refused with a stable code and append nothing.
 */

const MANUAL = { SWARMTUBE_FRIENDS_AUTO_ACCEPT: 'false', SWARMTUBE_HEALTH_PROBE_INTERVAL_SECONDS: '0', SWARMTUBE_FEDERATION_PULL_INTERVAL_SECONDS: '1' };

async function call(pod: TestPod, method: string, path: string, token?: string): Promise<{ status: number; type: string; body: any }> {
  const response = await fetch(`${pod.baseUrl}${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type')?.split(';')[0] ?? '', body: text ? JSON.parse(text) : null };
}

const viewOf = async (pod: TestPod, other: TestPod) =>
  ((await call(pod, 'GET', '/api/v1/pods')).body as Array<{ host: string; status: string; friendship: string }>).find((p) => p.host === other.config.host);
const friendshipOf = async (pod: TestPod, other: TestPod) => (await viewOf(pod, other))?.friendship;

describe('answering friendship requests by hand (friends.autoAccept off)', () => {
  let A: TestPod;
  let B: TestPod;
  let C: TestPod;
  let token: string;

  before(async () => {
    A = await startTestPod({ http: true, reachableHost: true, env: MANUAL });
    [B, C] = await Promise.all([0, 1].map(() => startTestPod({ http: true, reachableHost: true, env: { SWARMTUBE_HEALTH_PROBE_INTERVAL_SECONDS: '0' } })));
    for (const pod of [A, B, C]) await pod.startFederation();
    token = await A.adminToken();
    await B.get(Membership).makeFriends([A.config.host]);
    await C.get(Membership).makeFriends([A.config.host]);
    await waitUntil("A to hold B's and C's requests", async () => (await A.get(PeerDirectory).friendshipWith(B.actor))?.status === 'requested' && (await A.get(PeerDirectory).friendshipWith(C.actor))?.status === 'requested');
  }, { timeout: 60_000 });
  after(() => Promise.all([A, B, C].filter(Boolean).map((pod) => pod.destroy())), { timeout: 30_000 });

  /** Sends, checks the problem+json answer, and that A's log did not move. */
  async function refused(method: string, path: string, status: number, code: string, withToken = true): Promise<void> {
    const head = await A.store.headPosition();
    const answer = await call(A, method, path, withToken ? token : undefined);
    assert.equal(answer.status, status, JSON.stringify(answer.body));
    assert.equal(answer.type, 'application/problem+json');
    assert.equal(answer.body.code, code);
    assert.equal(await A.store.headPosition(), head, 'nothing appended');
  }

  test('requests wait for an answer: incoming on A, outgoing on the requesters, nobody a member', async () => {
    assert.deepEqual([await friendshipOf(A, B), await friendshipOf(A, C)], ['incoming', 'incoming']);
    assert.deepEqual([await friendshipOf(B, A), await friendshipOf(C, A)], ['outgoing', 'outgoing']);
    assert.equal((await viewOf(B, A))?.status, 'pending');
  });

  test('hostile and pointless answers are refused and change nothing', async () => {
    const b = B.config.host;
    await refused('POST', `/api/v1/pods/${b}/accept`, 401, 'unauthorized', false);
    await refused('POST', `/api/v1/pods/${encodeURIComponent('not a host!')}/accept`, 400, 'invalid-host');
    await refused('POST', `/api/v1/pods/${'a'.repeat(300)}/reject`, 400, 'invalid-host');
    await refused('POST', `/api/v1/pods/${encodeURIComponent("x'); DROP TABLE rm_pods;--")}/accept`, 400, 'invalid-host');
    await refused('POST', '/api/v1/pods/127.0.0.1:1/accept', 409, 'no-friendship-request');
    await refused('DELETE', `/api/v1/pods/${b}/friendship`, 409, 'not-friends');
  });

  test('accept: the requester becomes a member on both sides', async () => {
    const answer = await call(A, 'POST', `/api/v1/pods/${B.config.host}/accept`, token);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual([answer.body.status, answer.body.friendship], ['active', 'accepted']);
    await waitUntil('B to see A as a friend and a member', async () => {
      const view = await viewOf(B, A);
      return view?.friendship === 'accepted' && view.status === 'active';
    });
    await refused('POST', `/api/v1/pods/${B.config.host}/accept`, 409, 'no-friendship-request');
  });

  test('reject: the request ends (declined) on both sides', async () => {
    const answer = await call(A, 'POST', `/api/v1/pods/${C.config.host}/reject`, token);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.friendship, 'ended');
    await waitUntil('C to receive the refusal', async () => (await friendshipOf(C, A)) === 'ended');
    const [ended] = (await A.store.readAll({ after: 0, limit: 1000 })).map((s) => s.event).filter((e) => e.type === 'FriendshipEnded');
    assert.deepEqual(ended.data, { peer: C.actor, reason: 'declined' });
    await refused('POST', `/api/v1/pods/${C.config.host}/reject`, 409, 'no-friendship-request');
  });

  test('drop a friend: the friendship ends (removed) on both sides', async () => {
    const answer = await call(A, 'DELETE', `/api/v1/pods/${B.config.host}/friendship`, token);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.friendship, 'ended');
    await waitUntil('B to see the friendship ended', async () => (await friendshipOf(B, A)) === 'ended');
    await refused('DELETE', `/api/v1/pods/${B.config.host}/friendship`, 409, 'not-friends');
  });
});

describe('answering friendship requests automatically (friends.autoAccept on)', () => {
  let A: TestPod;
  let B: TestPod;

  before(async () => {
    [A, B] = await Promise.all([0, 1].map(() => startTestPod({ http: true, reachableHost: true, env: { SWARMTUBE_HEALTH_PROBE_INTERVAL_SECONDS: '0', SWARMTUBE_FEDERATION_PULL_INTERVAL_SECONDS: '1' } })));
    for (const pod of [A, B]) await pod.startFederation();
  }, { timeout: 60_000 });
  after(() => Promise.all([A, B].filter(Boolean).map((pod) => pod.destroy())), { timeout: 30_000 });

  test('an answer that fails (the store unreachable for a moment) is tried again: the request is accepted, the pod is not idle meanwhile', async () => {
    // A's answer fails twice: as a PostgreSQL restart or a full pool would make it fail.
    const membership = A.get(Membership) as unknown as { append(peer: string, event: FriendshipDraft): Promise<void> };
    const append = membership.append.bind(membership);
    let failures = 0;
    membership.append = async (peer, event) => {
      if (failures < 2) {
        failures += 1;
        throw new Error('connection terminated unexpectedly');
      }
      return append(peer, event);
    };
    try {
      await B.get(Membership).makeFriends([A.config.host]);
      await waitUntil('the first answer to fail', async () => (failures >= 1 ? true : undefined));
      assert.equal(await A.idle(), false, 'a retry is due: the pod is not quiescent');
      await waitUntil('A and B to be friends on both sides', async () => ((await friendshipOf(A, B)) === 'accepted' && (await friendshipOf(B, A)) === 'accepted' ? true : undefined), 30_000);
      assert.equal(failures, 2);
      await waitUntil('A to be idle', async () => ((await A.idle()) ? true : undefined));
    } finally {
      membership.append = append;
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { videoPublishedDraft } from '@swarmtube/testing';
import { waitUntil } from '@swarmtube/testing';
import { startTestPod, type TestPod } from '../../../testing/test-pod.js';
import { signRequest } from '@swarmtube/http-signatures';
import type { BallotView, VoteAnswer } from './pod-votes.js';
import { Membership } from '../../membership.js';
import { PeerDirectory } from '../../../federation/peer-directory.js';
import { PullService } from '../../../federation/pull/pull-service.js';
import { EventLog } from '../../../event-log/event-log.js';

/**
 * The vote API of a pod in a three-pod network (A, with friends B and C; D known to A but never
 * befriended): hostile requests are refused with their status and stable code and append
 * nothing; good votes are signed events that replicate; a quorum expels (B's signed requests get
 * 403, its videos are hidden) and a quorum readmits.
 */

interface Answer {
  status: number;
  type: string;
  body: any;
}

const NO_PROBES = { SWARMTUBE_HEALTH_PROBE_INTERVAL_SECONDS: '0', SWARMTUBE_FEDERATION_PULL_INTERVAL_SECONDS: '1' };

async function call(pod: TestPod, method: string, path: string, options: { token?: string; body?: string; contentType?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${pod.baseUrl}${path}`, { method, headers, body: options.body });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // kept as text
  }
  return { status: response.status, type: response.headers.get('content-type')?.split(';')[0] ?? '', body };
}

async function idle(pods: TestPod[]): Promise<void> {
  await waitUntil('the pods to be idle, twice in a row', async () => {
    for (let round = 0; round < 2; round++) if (!(await Promise.all(pods.map((pod) => pod.idle()))).every(Boolean)) return undefined;
    return true;
  }, 30_000);
}

for (const database of ['sqlite', 'postgres'] as const) describe(`expulsion and readmission votes over HTTP (${database})`, () => {
  let A: TestPod;
  let B: TestPod;
  let C: TestPod;
  let D: TestPod;
  let token: string;
  let bVideo: string;

  const votes = (host: string) => `/api/v1/pods/${host}/expulsion-votes`;
  const readmission = (host: string) => `/api/v1/pods/${host}/readmission-votes`;
  const ballotOf = async (pod: TestPod, host: string) => (await call(pod, 'GET', `/api/v1/pods/${host}/votes`)).body as BallotView;
  const viewOf = async (pod: TestPod, other: TestPod) => ((await call(pod, 'GET', '/api/v1/pods')).body as Array<{ host: string; status: string; friendship: string }>).find((p) => p.host === other.config.host);
  const statusOf = async (pod: TestPod, other: TestPod) => (await viewOf(pod, other))?.status;
  /** Each of `pods` a friend of every other, as each of them sees it. */
  const friends = async (...pods: TestPod[]) => {
    for (const x of pods) {
      for (const y of pods) {
        if (x === y) continue;
        // Friendship answers are reactions to the inbox's events (after it has answered): under
        // a loaded machine they take longer than one default wait.
        await waitUntil(`${x.config.host} to see ${y.config.host} as an active friend`, async () => {
          const view = await viewOf(x, y);
          return view?.status === 'active' && view.friendship === 'accepted' ? true : undefined;
        }, 60_000);
      }
    }
  };

  before(async () => {
    [A, B, C, D] = await Promise.all([0, 1, 2, 3].map(() => startTestPod({ http: true, reachableHost: true, database, env: NO_PROBES })));
    for (const pod of [A, B, C]) await pod.startFederation();
    assert.deepEqual((await B.get(Membership).makeFriends([A.config.host])).requested, [A.config.host]);
    // C asks A and B for their members and keeps those both name: only once A and B each list
    // the other as active does C choose both (asked earlier, it chose one or none: a flaky setup).
    await friends(A, B);
    assert.deepEqual((await C.get(Membership).makeFriends([A.config.host, B.config.host])).requested, [A.config.host, B.config.host].sort());
    await friends(A, B, C);
    // D is known to A (its genesis pulled) but never befriended.
    await A.get(PullService).pull(D.actor, D.actor);
    const { stream, draft } = videoPublishedDraft({ host: B.config.host });
    bVideo = (draft.data as { uuid: string }).uuid;
    await B.get(EventLog).append(stream, [draft], { expectedVersion: 'no-stream' });
    await idle([A, B, C]);
    token = await A.adminToken();
  }, { timeout: 240_000 });
  after(() => Promise.all([A, B, C, D].filter(Boolean).map((pod) => pod.destroy())), { timeout: 30_000 });

  /** Sends, checks the problem+json answer, and that A's log did not move. */
  async function refused(send: () => Promise<Answer>, status: number, code: string): Promise<Answer> {
    const head = await A.store.headPosition();
    const answer = await send();
    assert.equal(answer.status, status, JSON.stringify(answer.body));
    assert.equal(answer.type, 'application/problem+json');
    assert.equal(answer.body.code, code, JSON.stringify(answer.body));
    assert.equal(await A.store.headPosition(), head, 'nothing was appended');
    return answer;
  }

  test('the ballot of a member: no votes, more than half of the other active members needed', async () => {
    const ballot = await ballotOf(A, B.config.host);
    assert.deepEqual({ ...ballot, votes: ballot.votes.length }, { host: B.config.host, actor: B.actor, status: 'active', motion: 'expulsion', electorate: 2, needed: 2, votes: 0, records: [] });
  });

  test('without a token: 401; hostile hosts, bodies and states: problem+json with a stable code, nothing appended', async () => {
    const b = B.config.host;
    await refused(() => call(A, 'POST', votes(b), { body: '{}' }), 401, 'unauthorized');
    await refused(() => call(A, 'DELETE', votes(b)), 401, 'unauthorized');
    for (const host of ['not%20a%20host', 'a_b.test', 'x'.repeat(300), 'host:99999999', '%00', '-dash.test', 'a..b.test']) {
      await refused(() => call(A, 'POST', votes(host), { token, body: '{}' }), 400, 'invalid-host');
    }
    await refused(() => call(A, 'POST', votes('nowhere.test:1234'), { token, body: '{"reason":"who?"}' }), 404, 'unknown-pod');
    await refused(() => call(A, 'POST', votes(A.config.host), { token, body: '{}' }), 422, 'vote-on-self');
    await refused(() => call(A, 'POST', votes(D.config.host), { token, body: '{}' }), 409, 'target-not-active');
    await refused(() => call(A, 'POST', votes(b), { token, body: '{"reason": ' }), 400, 'malformed-json');
    await refused(() => call(A, 'POST', votes(b), { token, body: '["down"]' }), 400, 'invalid-body');
    await refused(() => call(A, 'POST', votes(b), { token, body: '{"reason":"down","weight":100}' }), 400, 'invalid-body');
    await refused(() => call(A, 'POST', votes(b), { token, body: JSON.stringify({ reason: 42 }) }), 400, 'invalid-body');
    await refused(() => call(A, 'POST', votes(b), { token, body: JSON.stringify({ reason: 'x'.repeat(1001) }) }), 400, 'invalid-body');
    await refused(() => call(A, 'POST', votes(b), { token, body: JSON.stringify({ reason: 'nul\u0000byte' }) }), 400, 'invalid-body');
    await refused(() => call(A, 'DELETE', votes(b), { token }), 409, 'not-voted');
    await refused(() => call(A, 'DELETE', votes('nowhere.test:1234'), { token }), 404, 'unknown-pod');
    await refused(() => call(A, 'POST', readmission(b), { token, body: '{}' }), 409, 'not-expelled');
    await refused(() => call(A, 'DELETE', readmission(b), { token }), 409, 'not-expelled');
  });

  test('a vote is a signed event that replicates; the same vote twice is a 409; a withdrawal takes it back', async () => {
    const b = B.config.host;
    const cast = await call(A, 'POST', votes(b), { token, body: JSON.stringify({ reason: 'Down since Monday.\nProbes fail.' }) });
    assert.equal(cast.status, 201, JSON.stringify(cast.body));
    const answer = cast.body as VoteAnswer;
    assert.equal(answer.recorded, null, 'one vote of two needed: a minority');
    assert.deepEqual(answer.ballot.votes.map((v) => [v.host, v.reason, v.counted]), [[A.config.host, 'Down since Monday.\nProbes fail.', true]]);
    const [event] = await A.store.readOrigin(A.actor, { after: (await A.store.originHead(A.actor))!.seq - 1, limit: 1 });
    assert.equal(event.event.id, answer.event);
    assert.equal(event.event.type, 'ExpulsionVoteCast');
    assert.equal(event.event.stream, `pod:${b}`);
    assert.ok(event.event.proof.proofValue.startsWith('z'));
    await refused(() => call(A, 'POST', votes(b), { token, body: '{}' }), 409, 'already-voted');
    await waitUntil('C to hold A\'s vote', async () => ((await ballotOf(C, b)).votes.length === 1 ? true : undefined));
    // B itself holds the vote against it too (A still delivers to B until it is expelled).
    await waitUntil('B to hold A\'s vote', async () => ((await ballotOf(B, b)).votes.length === 1 ? true : undefined));

    const withdrawn = await call(A, 'DELETE', votes(b), { token });
    assert.equal(withdrawn.status, 200, JSON.stringify(withdrawn.body));
    assert.deepEqual((withdrawn.body as VoteAnswer).ballot.votes, []);
    await waitUntil('C to see the vote withdrawn', async () => ((await ballotOf(C, b)).votes.length === 0 ? true : undefined));
    assert.equal(await statusOf(C, B), 'active');
  });

  test('a quorum expels: B\'s signed requests get 403, its videos are hidden but kept; a quorum readmits it', async () => {
    const b = B.config.host;
    const first = await call(A, 'POST', votes(b), { token, body: JSON.stringify({ reason: 'second round' }) });
    assert.equal(first.status, 201);
    await waitUntil('C to hold A\'s vote', async () => ((await ballotOf(C, b)).votes.length === 1 ? true : undefined));
    const second = await call(C, 'POST', votes(b), { token: await C.adminToken(), body: '{}' });
    assert.equal(second.status, 201, JSON.stringify(second.body));
    const decided = second.body as VoteAnswer;
    assert.ok(decided.recorded, 'the deciding vote comes with its outcome record');
    assert.equal(decided.ballot.status, 'expelled');
    assert.equal(decided.ballot.motion, 'readmission');
    for (const pod of [A, C]) await waitUntil(`${pod.config.host} to see B expelled`, async () => ((await statusOf(pod, B)) === 'expelled' ? true : undefined));
    await refused(() => call(A, 'POST', votes(b), { token, body: '{}' }), 409, 'already-expelled');
    await refused(() => call(A, 'DELETE', votes(b), { token }), 409, 'already-expelled');

    // B's signed requests: 403 pod-expelled, on any route; unsigned ones are the public's.
    const signed = (url: string) => {
      const s = signRequest({ method: 'GET', url, keyId: `${B.actor}#main-key`, privateKey: B.keys.rsa.privateKey });
      return fetch(url, { headers: { date: s.Date, host: s.Host, signature: s.Signature, accept: 'application/json' } });
    };
    for (const path of ['/federation/events', '/federation/actor', '/api/v1/pods']) {
      const response = await signed(`${A.baseUrl}${path}`);
      assert.equal(response.status, 403, path);
      assert.equal(((await response.json()) as { code: string }).code, 'pod-expelled');
    }
    assert.equal((await fetch(`${A.baseUrl}/federation/events`)).status, 200);
    // B's own deliveries and pulls are refused likewise, and A no longer delivers to B.
    assert.deepEqual((await A.get(PeerDirectory).friends()).sort(), [C.actor]);

    // Its video: not listed, not found by search, still there by uuid, unavailable.
    const list = (await call(A, 'GET', '/api/v1/videos?count=100')).body as { total: number; data: Array<{ uuid: string }> };
    assert.ok(!list.data.some((v) => v.uuid === bVideo));
    const search = (await call(A, 'GET', '/api/v1/videos?search=Test%20video')).body as { data: Array<{ uuid: string }> };
    assert.ok(!search.data.some((v) => v.uuid === bVideo));
    const one = await call(A, 'GET', `/api/v1/videos/${bVideo}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.available, false);

    // Readmission: the same vote in reverse.
    const r1 = await call(A, 'POST', readmission(b), { token, body: '{"reason":"back"}' });
    assert.equal(r1.status, 201, JSON.stringify(r1.body));
    await waitUntil('C to hold A\'s readmission vote', async () => ((await ballotOf(C, b)).votes.length === 1 ? true : undefined));
    const r2 = await call(C, 'POST', readmission(b), { token: await C.adminToken(), body: '{}' });
    assert.equal(r2.status, 201, JSON.stringify(r2.body));
    assert.ok((r2.body as VoteAnswer).recorded);
    for (const pod of [A, C]) await waitUntil(`${pod.config.host} to see B active again`, async () => ((await statusOf(pod, B)) === 'active' ? true : undefined));
    assert.equal((await signed(`${A.baseUrl}/federation/events`)).status, 200);
    assert.equal((await call(A, 'GET', `/api/v1/videos/${bVideo}`)).body.available, true);
    // B catches up on what it missed: A's and C's votes and outcome records reach it.
    await waitUntil('B to hold the outcome records', async () => ((await ballotOf(B, b)).records.length > 0 && (await statusOf(B, A)) === 'active' ? true : undefined));
    await idle([A, B, C]);
    for (const pod of [B, C]) assert.deepEqual(await ballotOf(pod, b), await ballotOf(A, b).then((x) => ({ ...x })), `${pod.config.host} holds A's ballot of B`);
  });
});

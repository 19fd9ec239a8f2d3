import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { v7 as uuidv7 } from 'uuid';
import type { EventEnvelope } from '@swarmtube/event-envelope';
import { hashEvent } from '@swarmtube/event-envelope';
import { loadOrCreatePodKeys, type PodKeys } from '@swarmtube/event-envelope';
import { ed25519KeyId } from '@swarmtube/event-envelope';
import { signEnvelope } from '@swarmtube/event-envelope';
import { signRequest } from '@swarmtube/http-signatures';
import { videoPublishedDraft } from '@swarmtube/testing';
import { createPodProcess, waitUntil, type PodProcess } from '@swarmtube/testing';
import { deliveryBody } from '../apps/pod/src/federation/activities.js';
import { assertSameAudits, assertSameLogs, cleanUp, formNetwork, hostsOf, logOf, madeFriends, originHeads, quiescent, statusesOf } from './support/network.js';

/**
 * Health, expulsion and readmission in a network of real pod processes (issue #6):
 *
 * five pods make friends; pod 4 stops; the others' probes and deliveries fail, its score falls
 * under the threshold on each, their automatic votes reach a quorum and every pod records it.
 * Pod 4 restarts: its signed requests are refused and it does not rejoin by itself. A new pod 6
 * makes friends and does not befriend pod 4. Forged votes and votes from non-members change
 * nothing; a minority never expels and a withdrawn vote no longer counts; concurrent votes that
 * reach the pods in different orders expel pod 6 on every pod alike. A quorum readmits pods 4
 * and 6, which catch up. The audits pass and the read models are the same on every pod.
 *
 * Probes every 100 ms so that a dead pod's score falls from the cap (1000) to the threshold
 * (20) in about ten seconds; pulls every second so that a readmitted pod catches up quickly.
 */
const ENV = {
  SWARMTUBE_HEALTH_PROBE_INTERVAL_SECONDS: '0.1',
  SWARMTUBE_HEALTH_THRESHOLD: '20',
  SWARMTUBE_HEALTH_AUTO_VOTE: 'true',
  SWARMTUBE_FEDERATION_PULL_INTERVAL_SECONDS: '1',
};
const THRESHOLD = 20;

interface PodRow {
  host: string;
  actor: string;
  status: string;
  score: number;
  lastSeenAt: string | null;
}

interface Ballot {
  host: string;
  status: string;
  motion: string;
  electorate: number;
  needed: number;
  votes: Array<{ host: string; id: string; counted: boolean; reason: string }>;
  records: string[];
}

/**
 * Starts the pods three at a time: six Node processes starting at once on a loaded two-core
 * machine can take longer than the harness waits for one to answer.
 */
async function startPods(count: number): Promise<PodProcess[]> {
  const pods: PodProcess[] = [];
  for (let n = 1; n <= count; n++) pods.push(await createPodProcess({ name: `Expulsion ${n}`, driven: true, env: ENV }));
  for (let first = 0; first < pods.length; first += 3) {
    const wave = pods.slice(first, first + 3);
    const started = await Promise.allSettled(wave.map((pod) => pod.start()));
    const failed = started.findIndex((result) => result.status === 'rejected');
    if (failed >= 0) {
      await Promise.all(pods.map((pod) => pod.destroy()));
      throw new Error(`${wave[failed].name} did not start: ${String((started[failed] as PromiseRejectedResult).reason)}\n${wave[failed].output().slice(-3000)}`);
    }
  }
  return pods;
}

async function rows(pod: PodProcess): Promise<PodRow[]> {
  return (await (await fetch(`${pod.baseUrl}/api/v1/pods`)).json()) as PodRow[];
}

async function ballot(pod: PodProcess, target: PodProcess): Promise<Ballot> {
  return (await (await fetch(`${pod.baseUrl}/api/v1/pods/${target.host}/votes`)).json()) as Ballot;
}

async function vote(pod: PodProcess, method: 'POST' | 'DELETE', target: PodProcess, motion: 'expulsion' | 'readmission', reason = 'e2e'): Promise<{ status: number; body: any }> {
  const response = await fetch(`${pod.baseUrl}/api/v1/pods/${target.host}/${motion}-votes`, {
    method,
    headers: { authorization: `Bearer ${await pod.adminToken()}`, 'content-type': 'application/json' },
    body: method === 'POST' ? JSON.stringify({ reason }) : undefined,
  });
  return { status: response.status, body: await response.json() };
}

async function metric(pod: PodProcess, name: string, label?: string): Promise<number | undefined> {
  const text = await (await fetch(`${pod.baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(label ? `${name}{peer="${label}"}` : `${name} `));
  return line ? Number(line.split(' ').pop()) : undefined;
}

/** A request signed with `keys` (another pod's RSA key, read from its data folder). */
async function signedFetch(url: string, actor: string, keys: PodKeys, body?: unknown): Promise<Response> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const s = signRequest({ method: body === undefined ? 'GET' : 'POST', url, body: text, keyId: `${actor}#main-key`, privateKey: keys.rsa.privateKey });
  const headers: Record<string, string> = { date: s.Date, host: s.Host, signature: s.Signature, accept: 'application/json' };
  if (s.Digest) headers.digest = s.Digest;
  if (text !== undefined) headers['content-type'] = 'application/activity+json';
  return fetch(url, { method: body === undefined ? 'GET' : 'POST', headers, body: text });
}

/** Activities carrying `events`, attributed to the signer (what a relay sends). */
function relayedBy(actor: string, events: EventEnvelope[]): Record<string, any> {
  const body = deliveryBody(events) as { items: Array<Record<string, unknown>> };
  for (const item of body.items) item.actor = actor;
  return body;
}

async function readOrigin(pod: PodProcess, origin: string, after: number): Promise<EventEnvelope[]> {
  const answer = (await (await fetch(`${pod.baseUrl}/federation/events?origin=${encodeURIComponent(origin)}&after=${after}&limit=500`)).json()) as { events: EventEnvelope[] };
  return answer.events;
}

/** Every pod holds every origin up to the same originSeq as the first. */
async function caughtUp(pods: PodProcess[]): Promise<true | undefined> {
  const heads = await Promise.all(pods.map(originHeads));
  const reference = JSON.stringify([...heads[0]].sort());
  return heads.every((h) => JSON.stringify([...h].sort()) === reference) ? true : undefined;
}

describe('health, expulsion and readmission in a network of six pods', () => {
  let pods: PodProcess[] = [];
  let p1: PodProcess, p2: PodProcess, p3: PodProcess, p4: PodProcess, p5: PodProcess, p6: PodProcess;
  let keys: Map<PodProcess, PodKeys>;
  const pod4Videos: string[] = [];
  const started = Date.now();

  before(async () => {
    pods = await startPods(6);
    [p1, p2, p3, p4, p5, p6] = pods;
    keys = new Map(await Promise.all(pods.map(async (pod) => [pod, await loadOrCreatePodKeys(pod.dataDir)] as const)));
    await formNetwork([p1, p2, p3, p4, p5]);
    console.log(`# five pods friends after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, { timeout: 120_000 });
  after(async () => {
    console.log(`# whole scenario: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await cleanUp(pods);
  }, { timeout: 60_000 });

  test('scores are real: every friend is healthy and seen', { timeout: 90_000 }, async () => {
    for (const videoNumber of [1, 2]) {
      const { stream, draft } = videoPublishedDraft({ host: p4.host, name: `Pod four video ${videoNumber}` });
      await p4.append(stream, [draft]);
      pod4Videos.push((draft.data as { uuid: string }).uuid);
    }
    await quiescent([p1, p2, p3, p4, p5]);
    // Every successful probe or delivery adds 10 to a new friend's 100.
    await waitUntil('every pod to score each friend above 100', async () => {
      for (const pod of [p1, p2, p3, p4, p5]) if (!(await rows(pod)).every((r) => r.status === 'active' && r.score > 100)) return undefined;
      return true;
    }, 30_000, 100);
    for (const pod of [p1, p2, p3, p5]) {
      const others = (await rows(pod)).filter((r) => r.status === 'active');
      assert.equal(others.length, 4);
      for (const row of others) assert.ok(row.lastSeenAt && Date.now() - Date.parse(row.lastSeenAt) < 30_000, `${pod.name} saw ${row.host} lately`);
      const listed = (await (await fetch(`${pod.baseUrl}/api/v1/videos?count=100`)).json()) as { data: Array<{ uuid: string }> };
      assert.deepEqual(listed.data.filter((v) => pod4Videos.includes(v.uuid)).length, 2, `${pod.name} lists pod 4's videos`);
    }
    const score = await metric(p1, 'swarmtube_peer_health_score', `http://${p2.host}/federation/actor`);
    assert.ok(score !== undefined && score > 100, `/metrics shows pod 2's score on pod 1: ${score}`);
  });

  test('pod 4 stops: the others\' scores of it fall under the threshold and their automatic votes expel it', { timeout: 90_000 }, async () => {
    const others = [p1, p2, p3, p5];
    // A friend of some standing: its score has climbed well above a new peer's.
    const before = await waitUntil('every pod to score pod 4 at 500 or more', async () => {
      const scores = await Promise.all(others.map(async (pod) => (await rows(pod)).find((r) => r.host === p4.host)!.score));
      return scores.every((score) => score >= 500) ? scores : undefined;
    }, 30_000, 100);
    console.log(`# scores of pod 4 when it stops: ${before.join(', ')}`);
    const stoppedAt = Date.now();
    await p4.stop();
    await waitUntil('pods 1, 2, 3 and 5 to see pod 4 expelled', async () => {
      for (const pod of others) if ((await statusesOf(pod))[p4.host] !== 'expelled') return undefined;
      return true;
    }, 60_000, 200);
    console.log(`# pod 4 expelled by every other pod ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s after it stopped`);
    await quiescent(others);
    await waitUntil('pods 1, 2, 3 and 5 to hold the same events', () => caughtUp(others), 30_000, 200);
    await assertSameLogs(others);

    const log = await logOf(p1);
    const stream = `pod:${p4.host}`;
    const voters = new Set(log.filter((e) => e.stream === stream && e.type === 'ExpulsionVoteCast').map((e) => e.origin));
    const records = log.filter((e) => e.stream === stream && e.type === 'PodExpelled');
    console.log(`# ${voters.size} automatic votes, ${records.length} PodExpelled record(s)`);
    assert.ok(voters.size >= 3, 'more than half of the four other members voted');
    assert.ok(!voters.has(`http://${p4.host}/federation/actor`));
    assert.ok(records.length >= 1);
    let under = 0;
    for (const pod of others) {
      const row = (await rows(pod)).find((r) => r.host === p4.host)!;
      assert.ok(row.score < 1000, `${pod.name}'s score of pod 4 fell: ${row.score}`);
      if (row.score <= THRESHOLD) under += 1;
      for (const healthy of (await rows(pod)).filter((r) => r.status === 'active')) assert.ok(healthy.score > THRESHOLD, `${pod.name}: ${healthy.host} is healthy`);
      const votes = await ballot(pod, p4);
      assert.equal(votes.status, 'expelled');
      assert.equal(votes.motion, 'readmission');
      assert.deepEqual(votes.records, (await ballot(p1, p4)).records, `${pod.name} holds the same outcome records`);
    }
    assert.ok(under >= 3, `at least three pods' scores of pod 4 are at or under the threshold (${under})`);
    assert.ok(((await metric(p1, 'swarmtube_peer_health_score', `http://${p4.host}/federation/actor`)) ?? 1000) < 1000);

    // Its videos: kept, unavailable, neither listed nor found.
    for (const pod of others) {
      const listed = (await (await fetch(`${pod.baseUrl}/api/v1/videos?count=100`)).json()) as { data: Array<{ uuid: string }> };
      assert.ok(!listed.data.some((v) => pod4Videos.includes(v.uuid)), `${pod.name} lists none of pod 4's videos`);
      const found = (await (await fetch(`${pod.baseUrl}/api/v1/videos?search=${encodeURIComponent('Pod four video')}`)).json()) as { total: number };
      assert.equal(found.total, 0, `${pod.name}'s search finds none of them`);
      for (const uuid of pod4Videos) {
        const video = (await (await fetch(`${pod.baseUrl}/api/v1/videos/${uuid}`)).json()) as { available: boolean; name: string; originHost: string };
        assert.equal(video.available, false);
        assert.equal(video.originHost, p4.host);
        assert.match(video.name, /^Pod four video/);
      }
    }
  });

  test('pod 4 restarts: its signed requests are refused, and it does not rejoin by itself', { timeout: 90_000 }, async () => {
    const before1 = await originHeads(p1);
    const refusedBefore = (await metric(p1, 'swarmtube_federation_expelled_requests_refused')) ?? 0;
    await p4.start();
    // Its probes and pulls come back with 403 pod-expelled: it learns that its friends refuse it.
    await waitUntil('pod 1 to refuse pod 4 many times, and pod 4 to know it is refused', async () => {
      const refused = (await metric(p1, 'swarmtube_federation_expelled_requests_refused')) ?? 0;
      const refusingUs = (await metric(p4, 'swarmtube_health_peers_refusing_us')) ?? 0;
      return refused - refusedBefore >= 20 && refusingUs >= 4 ? true : undefined;
    }, 30_000, 100);
    const actor4 = `http://${p4.host}/federation/actor`;
    for (const path of ['/federation/events', '/federation/actor', '/api/v1/pods']) {
      const response = await signedFetch(`${p1.baseUrl}${path}`, actor4, keys.get(p4)!);
      assert.equal(response.status, 403, path);
      assert.equal(((await response.json()) as { code: string }).code, 'pod-expelled');
    }
    const own = await readOrigin(p4, actor4, 0);
    const inbox = await signedFetch(`${p1.baseUrl}/federation/inbox`, actor4, keys.get(p4)!, deliveryBody(own.slice(-2)));
    assert.equal(inbox.status, 403);
    assert.equal(((await inbox.json()) as { code: string }).code, 'pod-expelled');
    for (const pod of [p1, p2, p3, p5]) assert.equal((await statusesOf(pod))[p4.host], 'expelled', `${pod.name} still sees pod 4 expelled`);
    assert.equal((await originHeads(p1)).get(actor4), before1.get(actor4), 'no new event of pod 4 reached pod 1');
    // Refused is not failing: pod 4 votes against nobody, and its scores of its former friends did not fall.
    assert.ok(!(await logOf(p4)).some((e) => e.origin === actor4 && e.type === 'ExpulsionVoteCast'), 'pod 4 cast no vote');
  });

  test('forged votes and votes from non-members change nothing', { timeout: 90_000 }, async () => {
    const head = await originHeads(p1);
    const ballotBefore = await ballot(p1, p5);
    const actor = (pod: PodProcess) => `http://${pod.host}/federation/actor`;

    // A vote "by pod 2" whose proof is made with pod 3's key, delivered by pod 2's genuine transport.
    const [last2] = (await readOrigin(p1, actor(p2), head.get(actor(p2))! - 1)).slice(-1);
    const forged = signEnvelope(
      {
        id: `urn:uuid:${uuidv7()}`,
        type: 'ExpulsionVoteCast',
        schemaVersion: 1,
        origin: actor(p2),
        originSeq: last2.originSeq + 1,
        prevHash: hashEvent(last2),
        stream: `pod:${p5.host}`,
        occurredAt: new Date().toISOString(),
        data: { target: actor(p5), reason: 'forged' },
      },
      { privateKey: keys.get(p3)!.ed25519.privateKey, verificationMethod: ed25519KeyId(actor(p2)) },
    );
    const forgedAnswer = await signedFetch(`${p1.baseUrl}/federation/inbox`, actor(p2), keys.get(p2)!, deliveryBody([forged]));
    assert.equal(forgedAnswer.status, 202);
    assert.deepEqual(((await forgedAnswer.json()) as { rejected: Array<{ code: string }> }).rejected.map((r) => r.code), ['bad-proof']);

    // Pod 6, a stranger, votes: its own delivery is refused; relayed by a member, its events are too.
    await p6.append(`pod:${p4.host}`, [{ type: 'ExpulsionVoteCast', schemaVersion: 1, data: { target: actor(p4), reason: 'not a member' } }]);
    const strangerLog = await readOrigin(p6, actor(p6), 0);
    const direct = await signedFetch(`${p1.baseUrl}/federation/inbox`, actor(p6), keys.get(p6)!, deliveryBody(strangerLog));
    assert.equal(direct.status, 403);
    assert.equal(((await direct.json()) as { code: string }).code, 'not-a-member');
    const relayed = await signedFetch(`${p1.baseUrl}/federation/inbox`, actor(p2), keys.get(p2)!, relayedBy(actor(p2), strangerLog));
    assert.equal(relayed.status, 202);
    assert.deepEqual(((await relayed.json()) as { rejected: Array<{ code: string }> }).rejected.map((r) => r.code), strangerLog.map(() => 'not-a-member'));

    assert.deepEqual(await originHeads(p1), head, 'nothing was appended to pod 1');
    assert.deepEqual(await ballot(p1, p5), ballotBefore);
  });

  test('a new pod 6 makes friends and does not befriend pod 4', { timeout: 90_000 }, async () => {
    const report = await madeFriends(p6, hostsOf([p1, p2, p3, p4, p5]));
    assert.deepEqual(report.chosen, hostsOf([p1, p2, p3, p5]), 'pod 4 is vouched for by itself only');
    assert.deepEqual(report.requested, hostsOf([p1, p2, p3, p5]));
    // Asked of pod 4 alone, which still believes it is a member and vouches for itself: pod 6
    // knows better from its friends' logs.
    const alone = await madeFriends(p6, [p4.host]);
    assert.ok(!alone.chosen.includes(p4.host) && !alone.requested.includes(p4.host), JSON.stringify(alone));
    await waitUntil('pods 1, 2, 3, 5 and 6 to be friends', async () => {
      for (const pod of [p1, p2, p3, p5]) if ((await statusesOf(pod))[p6.host] !== 'active') return undefined;
      const six = await statusesOf(p6);
      return [p1, p2, p3, p5].every((p) => six[p.host] === 'active') && six[p4.host] === 'expelled' ? true : undefined;
    }, 30_000, 100);
    await quiescent([p1, p2, p3, p5, p6]);
    // Pod 6 gets pod 4's history from its friends (pull), like every other pod holds it.
    await waitUntil('pod 6 to hold what pods 1, 2, 3 and 5 hold', () => caughtUp([p1, p2, p3, p5, p6]), 30_000, 200);
    await assertSameLogs([p1, p2, p3, p5, p6]);
    assert.ok(!(await logOf(p6)).some((e) => e.type.startsWith('Friendship') && e.stream.includes(p4.host) && e.origin === `http://${p6.host}/federation/actor`), 'pod 6 never asked pod 4');
  });

  test('a minority never expels, and a withdrawn vote no longer counts', { timeout: 90_000 }, async () => {
    const network = [p1, p2, p3, p5, p6];
    assert.equal((await vote(p1, 'POST', p5, 'expulsion', 'minority 1')).status, 201);
    assert.equal((await vote(p2, 'POST', p5, 'expulsion', 'minority 2')).status, 201);
    await quiescent(network);
    for (const pod of network) {
      const b = await ballot(pod, p5);
      assert.deepEqual([b.electorate, b.needed, b.votes.filter((v) => v.counted).length], [4, 3, 2], `${pod.name}: 2 of the 3 votes needed`);
      assert.equal((await statusesOf(pod))[p5.host] ?? 'self', pod === p5 ? 'self' : 'active');
    }
    assert.equal((await vote(p1, 'DELETE', p5, 'expulsion')).status, 200);
    assert.equal((await vote(p3, 'POST', p5, 'expulsion', 'minority 3')).status, 201);
    await quiescent(network);
    for (const pod of network) {
      const b = await ballot(pod, p5);
      assert.deepEqual(b.votes.map((v) => v.host).sort(), hostsOf([p2, p3]), `${pod.name}: pod 1's vote was withdrawn`);
      if (pod !== p5) assert.equal((await statusesOf(pod))[p5.host], 'active');
    }
    assert.ok(!(await logOf(p1)).some((e) => e.type === 'PodExpelled' && e.stream === `pod:${p5.host}`), 'no PodExpelled for pod 5');
    for (const pod of [p2, p3]) assert.equal((await vote(pod, 'DELETE', p5, 'expulsion')).status, 200);
    await quiescent(network);
    assert.deepEqual((await ballot(p1, p5)).votes, []);
  });

  test('concurrent votes that reach the pods in different orders expel pod 6 on every pod alike', { timeout: 90_000 }, async () => {
    const voters = [p1, p2, p3, p5];
    // All at once; pod 5 takes its vote back at once too.
    const answers = await Promise.all([
      vote(p1, 'POST', p6, 'expulsion', 'concurrent 1'),
      vote(p2, 'POST', p6, 'expulsion', 'concurrent 2'),
      vote(p3, 'POST', p6, 'expulsion', 'concurrent 3'),
      vote(p5, 'POST', p6, 'expulsion', 'concurrent 5').then(async (cast) => [cast, await vote(p5, 'DELETE', p6, 'expulsion')] as const),
    ]);
    // A vote that reaches its pod after that pod saw the quorum is refused (409 already-expelled).
    const [cast5, withdraw5] = answers[3] as readonly [{ status: number; body: { code?: string } }, { status: number; body: { code?: string } }];
    const casts = [...(answers.slice(0, 3) as Array<{ status: number; body: { code?: string } }>), cast5];
    for (const answer of casts) assert.ok(answer.status === 201 || answer.body.code === 'already-expelled', JSON.stringify(answer.body));
    assert.ok(casts.filter((answer) => answer.status === 201).length >= 3, 'at least three votes were cast');
    assert.ok(withdraw5.status === 200 || withdraw5.body.code === 'already-expelled' || withdraw5.body.code === 'not-voted', JSON.stringify(withdraw5.body));
    console.log(`# votes: ${casts.map((a) => a.status).join(' ')}; pod 5's withdrawal: ${withdraw5.status} ${withdraw5.body.code ?? ''}`);
    await waitUntil('every voter to see pod 6 expelled', async () => {
      for (const pod of voters) if ((await statusesOf(pod))[p6.host] !== 'expelled') return undefined;
      return true;
    }, 30_000, 100);
    await quiescent(voters);
    // What pod 6 delivered to some of them before they knew reaches the others by pull.
    await waitUntil('pods 1, 2, 3 and 5 to hold the same events', () => caughtUp(voters), 30_000, 200);
    await assertSameLogs(voters);
    const orders = await Promise.all(voters.map(async (pod) => (await logOf(pod)).filter((e) => e.stream === `pod:${p6.host}` && e.type !== 'PodJoined').map((e) => `${e.type.replace(/Vote|Pod/g, '')}@${e.origin.replace(/^http:\/\/127\.0\.0\.1:(\d+).*/, '$1')}`)));
    for (const [index, order] of orders.entries()) console.log(`# arrival order on ${voters[index].name}: ${order.join(' ')}`);
    const reference = await ballot(p1, p6);
    assert.equal(reference.status, 'expelled');
    assert.ok(reference.records.length >= 1);
    for (const pod of voters) assert.deepEqual(await ballot(pod, p6), reference, `${pod.name} derives the same outcome`);
  });

  test('a quorum readmits pods 4 and 6; they catch up on what they missed', { timeout: 90_000 }, async () => {
    const answers = await Promise.all([p1, p2, p3].flatMap((pod) => [vote(pod, 'POST', p4, 'readmission', 'back'), vote(pod, 'POST', p6, 'readmission', 'back')]));
    for (const answer of answers) assert.equal(answer.status, 201, JSON.stringify(answer.body));
    await waitUntil('pods 1, 2, 3 and 5 to see pods 4 and 6 active', async () => {
      for (const pod of [p1, p2, p3, p5]) {
        const statuses = await statusesOf(pod);
        if (statuses[p4.host] !== 'active' || statuses[p6.host] !== 'active') return undefined;
      }
      return true;
    }, 30_000, 100);
    // New events reach the readmitted pods again; they pull what they missed.
    const { stream, draft } = videoPublishedDraft({ host: p1.host });
    await p1.append(stream, [draft]);
    await waitUntil('every pod to hold every origin\'s events', () => caughtUp(pods), 45_000, 200);
    await quiescent(pods, 45_000);
    await assertSameLogs(pods);
    for (const pod of pods) {
      const statuses = await statusesOf(pod);
      assert.deepEqual(Object.values(statuses).filter((s) => s !== 'active'), [], `${pod.name}: every other pod is active (${JSON.stringify(statuses)})`);
    }
    for (const uuid of pod4Videos) assert.equal(((await (await fetch(`${p2.baseUrl}/api/v1/videos/${uuid}`)).json()) as { available: boolean }).available, true);
  });

  test('integrity diff: every audit passes, and the six pods hold the same read models', { timeout: 90_000 }, async () => {
    const stopping = Date.now();
    await Promise.all(pods.map((pod) => pod.stop()));
    console.log(`# six pods stopped in ${((Date.now() - stopping) / 1000).toFixed(1)} s`);
    await assertSameAudits(pods);
  });
});

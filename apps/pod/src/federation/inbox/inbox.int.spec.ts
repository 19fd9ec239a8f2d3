import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { EventEnvelope, UnsignedEnvelope } from '@swarmtube/event-envelope';
import { ed25519KeyId } from '@swarmtube/event-envelope';
import { signEnvelope } from '@swarmtube/event-envelope';
import { digestHeaderValue, signRequest } from '@swarmtube/http-signatures';
import { requestTarget, signingString } from '@swarmtube/http-signatures';
import { videoPublishedDraft } from '@swarmtube/testing';
import { freePort, waitUntil } from '@swarmtube/testing';
import { startTestPod, type TestPod } from '../../testing/test-pod.js';
import { deliveryBody, MAX_ACTIVITIES_PER_REQUEST } from '../activities.js';
import { Membership } from '../../pods/membership.js';
import { PeerDirectory } from '../peer-directory.js';
import { PullService } from '../pull/pull-service.js';
import { DeliveryService } from '../delivery/delivery-service.js';
import { EventLog } from '../../event-log/event-log.js';

/**
 * The inbox under attack (PeerTube's security matrix, CHECKLIST.md section C): every forged,
 * stale, replayed, smuggling or oversized request to A's inbox is refused with its status and
 * stable code, leaves A's log exactly as it was, and A keeps serving. Then the good path: a
 * batch from a friend is appended once, and idempotently on a second delivery.
 */

interface Signer {
  keyId: string;
  privateKey: KeyObject;
}

interface Answer {
  status: number;
  contentType: string;
  body: any;
}

const ACTIVITY_JSON = 'application/activity+json';

function signerOf(pod: TestPod): Signer {
  return { keyId: `${pod.actor}#main-key`, privateKey: pod.keys.rsa.privateKey };
}

function inboxUrl(pod: TestPod): string {
  return `${pod.baseUrl}/federation/inbox`;
}

/** The headers signRequest gives, as a plain header record. */
function signedHeaders(url: string, body: string, signer: Signer, now?: Date): Record<string, string> {
  const s = signRequest({ method: 'POST', url, body, keyId: signer.keyId, privateKey: signer.privateKey, now });
  return { date: s.Date, host: s.Host, digest: s.Digest!, signature: s.Signature };
}

/** A draft-cavage signature over exactly the headers named, for requests signRequest would never make. */
function signOnly(url: string, headers: Record<string, string>, names: string[], signer: Signer): string {
  const path = new URL(url).pathname;
  const lines = names.map((name): [string, string] => [name, name === '(request-target)' ? requestTarget('POST', path) : headers[name]!]);
  const signature = sign('sha256', Buffer.from(signingString(lines), 'utf8'), signer.privateKey).toString('base64');
  return `keyId="${signer.keyId}",algorithm="rsa-sha256",headers="${names.join(' ')}",signature="${signature}"`;
}

async function post(url: string, body: string | Buffer, headers: Record<string, string>): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': ACTIVITY_JSON, ...headers }, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // kept as text, for the assertion messages
  }
  return { status: response.status, contentType: response.headers.get('content-type')?.split(';')[0] ?? '', body: parsed };
}

/** A body signed by `signer` and POSTed to `pod`'s inbox. */
async function deliver(pod: TestPod, body: unknown, signer: Signer, now?: Date): Promise<Answer> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return post(inboxUrl(pod), text, signedHeaders(inboxUrl(pod), text, signer, now));
}

/** Activities carrying `events`, all attributed to `actor` (a relay says it is the actor). */
function relayedBy(actor: string, events: EventEnvelope[]): Record<string, any> {
  const body = deliveryBody(events) as { items: Array<Record<string, unknown>> };
  for (const item of body.items) item.actor = actor;
  return body;
}

async function appendVideos(pod: TestPod, count: number): Promise<EventEnvelope[]> {
  const events: EventEnvelope[] = [];
  for (let i = 0; i < count; i++) {
    const { stream, draft } = videoPublishedDraft({ host: pod.config.host });
    const result = await pod.get(EventLog).append(stream, [draft], { expectedVersion: 'any' });
    events.push(result.events[0]!.event);
  }
  return events;
}

function unsigned(event: EventEnvelope): UnsignedEnvelope {
  const { proof: _proof, ...rest } = structuredClone(event);
  return rest;
}

function flipOneBit(signatureHeader: string): string {
  return signatureHeader.replace(/signature="([^"]+)"/, (_match, b64: string) => {
    const bytes = Buffer.from(b64, 'base64');
    const middle = bytes.length >> 1;
    bytes[middle] = bytes[middle]! ^ 0x01;
    return `signature="${bytes.toString('base64')}"`;
  });
}

async function friendsOf(pod: TestPod, other: TestPod): Promise<true | undefined> {
  const friendship = await pod.get(PeerDirectory).friendshipWith(other.actor);
  return friendship?.status === 'accepted' ? true : undefined;
}

describe('the inbox refuses forged, stale, replayed and smuggling requests, and takes good ones once', () => {
  let A: TestPod;
  let B: TestPod;
  let C: TestPod;
  /** Never befriended: a stranger with a working actor document. */
  let D: TestPod;
  let bEvents: EventEnvelope[];

  before(async () => {
    [A, B, C, D] = await Promise.all([0, 1, 2, 3].map(() => startTestPod({ http: true, reachableHost: true })));
    // Make friends with push and pull running, as in production; wait for the network to settle.
    for (const pod of [A, B, C]) await pod.startFederation();
    await B.get(Membership).makeFriends([A.config.host]);
    await C.get(Membership).makeFriends([A.config.host]);
    for (const [x, y] of [[A, B], [B, A], [A, C], [C, A]] as const) await waitUntil(`${x.config.host} to be friends with ${y.config.host}`, () => friendsOf(x, y));
    await waitUntil('A, B and C to be idle, twice in a row', async () => {
      for (let round = 0; round < 2; round++) if (!(await Promise.all([A, B, C].map((pod) => pod.idle()))).every(Boolean)) return undefined;
      return true;
    });
    // Then no pod pushes or pulls on its own any more: A's log moves only by what the tests send.
    for (const pod of [A, B, C]) {
      pod.get(PullService).stop();
      await pod.get(DeliveryService).stop();
    }
    for (const peer of [B, C]) {
      assert.deepEqual(await A.store.originHead(peer.actor), await peer.store.originHead(peer.actor), `A holds all of ${peer.config.host}`);
      assert.equal(await A.get(PeerDirectory).mayContribute(peer.actor), true);
    }
    assert.equal(await A.get(PeerDirectory).mayContribute(D.actor), false);
    // Three new events of B that A has never seen: every attack below carries them or a forgery of them.
    bEvents = await appendVideos(B, 3);
  }, { timeout: 60_000 });
  after(() => Promise.all([A, B, C, D].filter(Boolean).map((pod) => pod.destroy())), { timeout: 30_000 });

  /** Sends, checks the answer, and that A's log did not move and A still answers. */
  async function refused(send: () => Promise<Answer>, expected: { status: number; code: string } | { rejected: string[] }): Promise<Answer> {
    const head = await A.store.headPosition();
    const answer = await send();
    if ('code' in expected) {
      assert.equal(answer.status, expected.status, JSON.stringify(answer.body));
      assert.equal(answer.contentType, 'application/problem+json');
      assert.equal(answer.body.code, expected.code, JSON.stringify(answer.body));
      assert.equal(answer.body.status, expected.status);
    } else {
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
      assert.equal(answer.body.accepted, 0, JSON.stringify(answer.body));
      assert.deepEqual(answer.body.rejected.map((r: { code: string }) => r.code), expected.rejected, JSON.stringify(answer.body));
    }
    assert.equal(await A.store.headPosition(), head, 'nothing was appended to A');
    const config = await fetch(`${A.baseUrl}/api/v1/config`);
    assert.equal(config.status, 200, 'A still serves');
    await config.body?.cancel();
    return answer;
  }

  const good = () => deliveryBody(bEvents) as Record<string, any>;

  test('an unsigned request: 401 invalid-signature', async () => {
    const text = JSON.stringify(good());
    await refused(() => post(inboxUrl(A), text, { date: new Date().toUTCString(), digest: digestHeaderValue(Buffer.from(text)) }), { status: 401, code: 'invalid-signature' });
  });

  test('a signature with one bit flipped: 401 invalid-signature', async () => {
    const text = JSON.stringify(good());
    const headers = signedHeaders(inboxUrl(A), text, signerOf(B));
    await refused(() => post(inboxUrl(A), text, { ...headers, signature: flipOneBit(headers.signature) }), { status: 401, code: 'invalid-signature' });
  });

  test('a body changed after signing (Digest mismatch): 401 invalid-signature', async () => {
    const text = JSON.stringify(good());
    const headers = signedHeaders(inboxUrl(A), text, signerOf(B));
    const changed = JSON.stringify(deliveryBody(bEvents.slice(0, 2)));
    await refused(() => post(inboxUrl(A), changed, headers), { status: 401, code: 'invalid-signature' });
  });

  test('a Digest header changed to match the changed body: the signature no longer verifies, 401', async () => {
    const text = JSON.stringify(good());
    const headers = signedHeaders(inboxUrl(A), text, signerOf(B));
    const changed = JSON.stringify(deliveryBody(bEvents.slice(0, 2)));
    await refused(() => post(inboxUrl(A), changed, { ...headers, digest: digestHeaderValue(Buffer.from(changed)) }), { status: 401, code: 'invalid-signature' });
  });

  test('a Date 2 h old, and one 2 h ahead: 401 invalid-signature', async () => {
    const text = JSON.stringify(good());
    for (const offset of [-2 * 3600_000, 2 * 3600_000]) {
      const headers = signedHeaders(inboxUrl(A), text, signerOf(B), new Date(Date.now() + offset));
      const answer = await refused(() => post(inboxUrl(A), text, headers), { status: 401, code: 'invalid-signature' });
      assert.match(answer.body.detail, /dateOutOfWindow/);
    }
  });

  test('host not signed, and digest not signed on a POST: 401 invalid-signature', async () => {
    const text = JSON.stringify(good());
    const headers = signedHeaders(inboxUrl(A), text, signerOf(B));
    for (const names of [['(request-target)', 'date', 'digest'], ['(request-target)', 'host', 'date'], ['(request-target)', 'host', 'digest']]) {
      const signature = signOnly(inboxUrl(A), headers, names, signerOf(B));
      const answer = await refused(() => post(inboxUrl(A), text, { ...headers, signature }), { status: 401, code: 'invalid-signature' });
      assert.match(answer.body.detail, /missingSignedHeader/, names.join(' '));
    }
  });

  test('a keyId of an actor that does not exist (the fetch fails): 401 invalid-signature', async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}/federation/actor`;
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const body = relayedBy(nowhere, bEvents);
    const answer = await refused(() => deliver(A, body, { keyId: `${nowhere}#main-key`, privateKey }), { status: 401, code: 'invalid-signature' });
    assert.match(answer.body.detail, /keyUnavailable/);
  });

  test("B's keyId but another pod's RSA key (refetched once, still wrong): 401 invalid-signature", async () => {
    await refused(() => deliver(A, good(), { keyId: signerOf(B).keyId, privateKey: D.keys.rsa.privateKey }), { status: 401, code: 'invalid-signature' });
  });

  test("A's own keyId (nobody else signs as A): 401 invalid-signature", async () => {
    await refused(() => deliver(A, relayedBy(A.actor, bEvents), { keyId: `${A.actor}#main-key`, privateKey: B.keys.rsa.privateKey }), { status: 401, code: 'invalid-signature' });
  });

  test("B forwards C's activity with C's genuine events (the key does not own the actor): 403 forbidden", async () => {
    const cEvents = await appendVideos(C, 1);
    await refused(() => deliver(A, deliveryBody(cEvents), signerOf(B)), { status: 403, code: 'forbidden' });
    // One forwarded activity among B's own spoils the whole request.
    const items = [...good().items, ...(deliveryBody(cEvents) as any).items];
    const mixed = { ...good(), totalItems: items.length, items };
    await refused(() => deliver(A, mixed, signerOf(B)), { status: 403, code: 'forbidden' });
  });

  test("a stranger (D, never befriended) posting its own Create: 403 not-a-member", async () => {
    const dEvents = await appendVideos(D, 1);
    await refused(() => deliver(A, deliveryBody(dEvents), signerOf(D)), { status: 403, code: 'not-a-member' });
  });

  test("B relays the events of D, a pod that is not a member: 202, each rejected not-a-member", async () => {
    const dLog = (await D.store.readOrigin(D.actor, { after: 0, limit: 100 })).map((e) => e.event);
    assert.ok(dLog.length >= 2);
    await refused(() => deliver(A, relayedBy(B.actor, dLog), signerOf(B)), { rejected: dLog.map(() => 'not-a-member') });
  });

  test("B's event with its data changed after signing: 202, rejected bad-proof", async () => {
    const tampered = structuredClone(bEvents[0]!) as EventEnvelope<Record<string, unknown>>;
    tampered.data.name = 'Changed after signing';
    await refused(() => deliver(A, deliveryBody([tampered]), signerOf(B)), { rejected: ['bad-proof'] });
  });

  test("B's event with a wrong prevHash, properly signed by B: 202, rejected chain-broken", async () => {
    const forked = signEnvelope({ ...unsigned(bEvents[0]!), prevHash: 'ab'.repeat(32) }, {
      privateKey: B.keys.ed25519.privateKey,
      verificationMethod: ed25519KeyId(B.actor),
    });
    await refused(() => deliver(A, deliveryBody([forked]), signerOf(B)), { rejected: ['chain-broken'] });
  });

  test('malformed JSON: 400 malformed-json', async () => {
    await refused(() => deliver(A, '{"type":"Collection","items":[', signerOf(B)), { status: 400, code: 'malformed-json' });
  });

  test('a body over 1 MB: 413 payload-too-large', async () => {
    const huge = JSON.stringify({ ...good(), padding: 'x'.repeat(1024 * 1024 + 10) });
    await refused(() => deliver(A, huge, signerOf(B)), { status: 413, code: 'payload-too-large' });
  });

  test('JSON-LD @graph, @reverse and @included smuggling: 400 invalid-body, each', async () => {
    const body = good();
    const withObject = (i: number, extra: Record<string, unknown>) => ({ ...body, items: body.items.map((item: any, j: number) => (j === i ? { ...item, object: { ...item.object, ...extra } } : item)) });
    let deep: Record<string, unknown> = { '@graph': [{ type: 'Delete', actor: C.actor, object: C.actor }] };
    for (let level = 0; level < 10; level++) deep = { nested: deep };
    const smuggled: Array<[string, unknown]> = [
      ['@graph at the root', { ...body, '@graph': [{ type: 'Delete', actor: C.actor, object: C.actor }] }],
      ['@reverse in an object', withObject(1, { '@reverse': { attributedTo: C.actor } })],
      ['@included in an activity', { ...body, items: [...body.items.slice(0, 2), { ...body.items[2], '@included': [{ type: 'Person', id: C.actor }] }] }],
      ['@included in a single activity', { '@context': body['@context'], ...body.items[0], '@included': [{ type: 'Person', id: C.actor }] }],
      // Below the depth the walk used to stop at (8), and under keys named "events" that are no activity's events.
      ['@graph 14 levels down', withObject(0, { deep })],
      ['@graph under the Collection\'s own "events"', { ...body, events: { '@graph': [] } }],
      ['@included under an object\'s "events"', withObject(2, { events: [{ '@included': [] }] })],
    ];
    for (const [what, payload] of smuggled) {
      const answer = await refused(() => deliver(A, payload, signerOf(B)), { status: 400, code: 'invalid-body' });
      assert.match(answer.body.detail, /JSON-LD @(graph|reverse|included) is not accepted/, what);
    }
  });

  test('a body nested deeper than any activity (but under 1 MB): 400 invalid-body, and A survives', async () => {
    const depth = 100_000;
    const text = `{"type":"Create","actor":${JSON.stringify(B.actor)},"object":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const answer = await refused(() => deliver(A, text, signerOf(B)), { status: 400, code: 'invalid-body' });
    assert.match(answer.body.detail, /nested more than/);
  });

  test("an event with a JSON-LD keyword in it: 202, that event rejected on its own by its schema", async () => {
    const smuggling = { ...structuredClone(bEvents[0]!), '@graph': [] } as EventEnvelope;
    await refused(() => deliver(A, deliveryBody([smuggling]), signerOf(B)), { rejected: ['envelope-invalid'] });
  });

  test(`a Collection of ${MAX_ACTIVITIES_PER_REQUEST + 1} activities, or of more than 500 events: 400 too-many-activities`, async () => {
    const one = (good() as any).items[0];
    const many = { type: 'Collection', totalItems: MAX_ACTIVITIES_PER_REQUEST + 1, items: Array.from({ length: MAX_ACTIVITIES_PER_REQUEST + 1 }, () => one) };
    await refused(() => deliver(A, many, signerOf(B)), { status: 400, code: 'too-many-activities' });
    const heavy = { type: 'Collection', totalItems: 2, items: [0, 1].map(() => ({ ...one, events: Array.from({ length: 251 }, () => bEvents[0]) })) };
    await refused(() => deliver(A, heavy, signerOf(B)), { status: 400, code: 'too-many-activities' });
  });

  test('not an activity at all: 400 invalid-body; not JSON: 415', async () => {
    for (const body of [[], { type: 'Create' }, { type: 'Collection', items: 'no' }, { ...(good() as any).items[0], events: {} }]) {
      await refused(() => deliver(A, body, signerOf(B)), { status: 400, code: 'invalid-body' });
    }
    const text = 'just text';
    await refused(() => post(inboxUrl(A), text, { ...signedHeaders(inboxUrl(A), text, signerOf(B)), 'content-type': 'text/plain' }), { status: 415, code: 'unsupported-media-type' });
  });

  test('a good batch from B is appended once; sent again (signed anew) it is all duplicates', async () => {
    const head = await A.store.headPosition();
    const first = await deliver(A, good(), signerOf(B));
    assert.equal(first.status, 202, JSON.stringify(first.body));
    assert.deepEqual(first.body, { accepted: 3, duplicates: 0, rejected: [] });
    assert.equal(await A.store.headPosition(), head + 3);
    assert.deepEqual(await A.store.originHead(B.actor), await B.store.originHead(B.actor));
    // Signed anew, as a retry after a backoff would be (a later Date, a new Collection id).
    const again = await refused(() => deliver(A, good(), signerOf(B), new Date(Date.now() + 1000)), { rejected: [] });
    assert.deepEqual(again.body, { accepted: 0, duplicates: 3, rejected: [] });
  });

  test('the same signed request twice: 202, then 409 replayed-request', async () => {
    const [event] = await appendVideos(B, 1);
    const text = JSON.stringify(deliveryBody([event!]));
    const headers = signedHeaders(inboxUrl(A), text, signerOf(B));
    const head = await A.store.headPosition();
    const first = await post(inboxUrl(A), text, headers);
    assert.equal(first.status, 202, JSON.stringify(first.body));
    assert.equal(first.body.accepted, 1);
    assert.equal(await A.store.headPosition(), head + 1);
    await refused(() => post(inboxUrl(A), text, headers), { status: 409, code: 'replayed-request' });
  });

  test('a replay with the Signature header respelled (parameters reordered, hs2019): still 409', async () => {
    const [event] = await appendVideos(B, 1);
    const text = JSON.stringify(deliveryBody([event!]));
    const headers = signedHeaders(inboxUrl(A), text, signerOf(B));
    const first = await post(inboxUrl(A), text, headers);
    assert.equal(first.status, 202, JSON.stringify(first.body));
    const params = new Map([...headers.signature.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    const respelled = [
      `signature="${params.get('signature')}", headers="${params.get('headers')}", keyId="${params.get('keyId')}", algorithm="rsa-sha256"`,
      `keyId="${params.get('keyId')}",algorithm="hs2019",headers="${params.get('headers')}",signature="${params.get('signature')}"`,
    ];
    for (const signature of respelled) {
      await refused(() => post(inboxUrl(A), text, { ...headers, signature }), { status: 409, code: 'replayed-request' });
    }
  });

  test('one bad event never drops the good ones of the same batch', async () => {
    const [good1, next] = await appendVideos(B, 2);
    const tampered = structuredClone(next!) as EventEnvelope<Record<string, unknown>>;
    tampered.data.name = 'Changed after signing';
    const dGenesis = (await D.store.readOrigin(D.actor, { after: 0, limit: 1 }))[0]!.event;
    const head = await A.store.headPosition();
    const answer = await deliver(A, relayedBy(B.actor, [good1!, tampered, dGenesis]), signerOf(B));
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    assert.equal(answer.body.accepted, 1);
    const rejected = answer.body.rejected.map((r: { id: string; code: string }) => [r.id, r.code]).sort((x: string[], y: string[]) => x[1]!.localeCompare(y[1]!));
    assert.deepEqual(rejected, [[next!.id, 'bad-proof'], [dGenesis.id, 'not-a-member']]);
    assert.equal(await A.store.headPosition(), head + 1);
  });
});

import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import Ajv04 from 'ajv-draft-04';
import { decodeMultikey } from '@swarmtube/event-envelope';
import { verifyProof } from '@swarmtube/event-envelope';
import { readReferenceJson } from '@swarmtube/testing';
import { startTestPod, type TestPod } from '../../testing/test-pod.js';
import { VideoStorage } from '../../videos/video-storage.js';


describe('discovery: actor, WebFinger, NodeInfo', () => {
  let pod: TestPod;
  before(async () => {
    pod = await startTestPod({ http: true, host: 'pod.test:9001' });
  });
  after(() => pod.destroy());

  test('the actor is an activity+json Application with its RSA key and its Ed25519 Multikey', async () => {
    const response = await fetch(`${pod.baseUrl}/federation/actor`);
    assert.equal(response.headers.get('content-type')?.split(';')[0], 'application/activity+json');
    const actor = (await response.json()) as any;
    assert.equal(actor.id, 'http://pod.test:9001/federation/actor');
    assert.equal(actor.type, 'Application');
    assert.equal(actor.inbox, 'http://pod.test:9001/federation/inbox');
    assert.equal(actor.publicKey.owner, actor.id);
    assert.equal(actor.publicKey.id, `${actor.id}#main-key`);
    assert.equal(createPublicKey(actor.publicKey.publicKeyPem).asymmetricKeyDetails?.modulusLength, 2048);
    const [multikey] = actor.assertionMethod;
    assert.deepEqual([multikey.id, multikey.type, multikey.controller], [`${actor.id}#ed25519-key`, 'Multikey', actor.id]);
    // The published Multikey verifies the pod's own events.
    const decoded = decodeMultikey(multikey.publicKeyMultibase);
    assert.ok(decoded.ok);
    const { events } = (await (await fetch(`${pod.baseUrl}/api/v1/events`)).json()) as { events: unknown[] };
    assert.deepEqual(verifyProof(events[0], decoded.publicKey), { verified: true });
    // And the RSA key is the one the pod signs HTTP requests with.
    const signature = (await import('node:crypto')).sign('sha256', Buffer.from('x'), pod.keys.rsa.privateKey);
    assert.ok(verify('sha256', Buffer.from('x'), actor.publicKey.publicKeyPem, signature));
  });

  test('WebFinger answers for acct:pod@host and the actor URL, and 404s for anyone else', async () => {
    for (const resource of ['acct:pod@pod.test:9001', 'http://pod.test:9001/federation/actor']) {
      const response = await fetch(`${pod.baseUrl}/.well-known/webfinger?resource=${encodeURIComponent(resource)}`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type')?.split(';')[0], 'application/jrd+json');
      const jrd = (await response.json()) as any;
      assert.equal(jrd.subject, 'acct:pod@pod.test:9001');
      assert.deepEqual(jrd.links.find((l: any) => l.rel === 'self'), { rel: 'self', type: 'application/activity+json', href: 'http://pod.test:9001/federation/actor' });
    }
    for (const [query, status, code] of [
      ['resource=acct:alice@pod.test:9001', 404, 'not-found'],
      ['resource=acct:pod@elsewhere.test', 404, 'not-found'],
      ['', 400, 'invalid-query'],
      [`resource=${'a'.repeat(600)}`, 400, 'invalid-query'],
      ['resource=a&resource=b', 400, 'invalid-query'],
    ] as const) {
      const response = await fetch(`${pod.baseUrl}/.well-known/webfinger?${query}`);
      assert.equal(response.status, status, query);
      assert.equal(((await response.json()) as any).code, code);
    }
  });

  test('NodeInfo 2.1 is linked from /.well-known/nodeinfo and valid against the official schema', async () => {
    const links = (await (await fetch(`${pod.baseUrl}/.well-known/nodeinfo`)).json()) as any;
    const link = links.links.find((l: any) => l.rel === 'http://nodeinfo.diaspora.software/ns/schema/2.1');
    assert.equal(link.href, 'http://pod.test:9001/nodeinfo/2.1');
    const nodeinfo = await (await fetch(`${pod.baseUrl}/nodeinfo/2.1`)).json();
    const ajv = new Ajv04.default({ strict: false });
    const validate = ajv.compile(readReferenceJson('nodeinfo/schema-2.1.json'));
    assert.ok(validate(nodeinfo), JSON.stringify(validate.errors));
    assert.equal((nodeinfo as any).software.name, 'swarmtube');
    assert.deepEqual((nodeinfo as any).protocols, ['activitypub']);
  });
});

describe('a pod with an HTTPS publicUrl: every URL it emits is https:// (wss:// for its tracker)', () => {
  let pod: TestPod;
  before(async () => {
    pod = await startTestPod({ http: true, env: { SWARMTUBE_HOST: '', SWARMTUBE_PUBLIC_URL: 'https://video.swarm.test' } });
  });
  after(() => pod.destroy());

  test('actor, key ids, inbox, outbox, WebFinger, NodeInfo, its PodJoined, its videos\' URLs and trackers', async () => {
    const base = 'https://video.swarm.test';
    const actor = (await (await fetch(`${pod.baseUrl}/federation/actor`)).json()) as any;
    assert.deepEqual([actor.id, actor.url, actor.inbox, actor.outbox, actor.publicKey.id, actor.assertionMethod[0].id], [
      `${base}/federation/actor`,
      base,
      `${base}/federation/inbox`,
      `${base}/federation/outbox`,
      `${base}/federation/actor#main-key`,
      `${base}/federation/actor#ed25519-key`,
    ]);
    const jrd = (await (await fetch(`${pod.baseUrl}/.well-known/webfinger?resource=acct:pod@video.swarm.test`)).json()) as any;
    assert.deepEqual(jrd.links.map((l: any) => l.href), [`${base}/federation/actor`, `${base}/`]);
    const links = (await (await fetch(`${pod.baseUrl}/.well-known/nodeinfo`)).json()) as any;
    assert.deepEqual(links.links.map((l: any) => l.href), [`${base}/nodeinfo/2.1`, `${base}/federation/actor`]);
    assert.equal(((await (await fetch(`${pod.baseUrl}/nodeinfo/2.1`)).json()) as any).software.homepage, `${base}/`);
    const config = (await (await fetch(`${pod.baseUrl}/api/v1/config`)).json()) as any;
    assert.deepEqual([config.host, config.publicUrl], ['video.swarm.test', base]);
    const { events } = (await (await fetch(`${pod.baseUrl}/api/v1/events`)).json()) as { events: any[] };
    assert.deepEqual([events[0].type, events[0].origin, events[0].data.host, events[0].data.actor], ['PodJoined', `${base}/federation/actor`, 'video.swarm.test', `${base}/federation/actor`]);
    const storage = pod.get(VideoStorage);
    const uuid = '0190c0de-0000-7000-8000-000000000001';
    assert.deepEqual(storage.urls(uuid, 'mp4'), {
      webSeedUrl: `${base}/static/web-videos/${uuid}.mp4`,
      torrentUrl: `${base}/static/torrents/${uuid}.torrent`,
      thumbnailUrl: `${base}/static/thumbnails/${uuid}.jpg`,
    });
    assert.deepEqual(storage.announceList(), ['wss://video.swarm.test/tracker/socket', 'https://video.swarm.test/tracker/announce', `udp://video.swarm.test:${pod.config.port}`]);
  });
});

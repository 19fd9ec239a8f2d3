import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { signRequest } from '../../../../libs/http-signatures/src/index.js';
import { startTestPod, type TestPod } from '../../../../libs/testing/src/test-pod.js';
import { deliveryBody } from './activities.js';
import { FederationClient } from './federation-client.js';

/**
 * A pod with federation.allowPrivateAddresses off (the default) on a network of loopback
 * addresses: a signed request whose keyId points into the pod's own network is refused without
 * the pod connecting there, and make-friends refuses loopback hosts with a reason. A real
 * loopback server counts the connections that reach it.
 */
describe('federation.allowPrivateAddresses off: no connection to private addresses on a peer\'s word', () => {
  let A: TestPod;
  let B: TestPod;
  let lure: Server;
  let connections = 0;
  let lureUrl: string;

  before(async () => {
    A = await startTestPod({ http: true, reachableHost: true, env: { SWARMTUBE_FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'false', SWARMTUBE_HEALTH_PROBE_INTERVAL_SECONDS: '0' } });
    B = await startTestPod({ http: true, reachableHost: true, env: { SWARMTUBE_HEALTH_PROBE_INTERVAL_SECONDS: '0' } });
    lure = createServer((_req, res) => res.end('{}'));
    lure.on('connection', () => connections++);
    lure.listen(0, '127.0.0.1');
    await once(lure, 'listening');
    lureUrl = `http://127.0.0.1:${(lure.address() as { port: number }).port}/federation/actor`;
  }, { timeout: 30_000 });
  after(async () => {
    lure?.close();
    await Promise.all([A, B].filter(Boolean).map((pod) => pod.destroy()));
  }, { timeout: 30_000 });

  test('a keyId on a loopback address: 401 invalid-signature, and nothing connects to it', async () => {
    const body = JSON.stringify(deliveryBody([]));
    const url = `${A.baseUrl}/federation/inbox`;
    const signed = signRequest({ method: 'POST', url, body, keyId: `${lureUrl}#main-key`, privateKey: B.runtime.keys.rsa.privateKey });
    const head = await A.runtime.store.headPosition();
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/activity+json', date: signed.Date, host: signed.Host, digest: signed.Digest!, signature: signed.Signature },
      body,
    });
    const problem = (await response.json()) as { code: string; detail: string };
    assert.equal(response.status, 401);
    assert.equal(problem.code, 'invalid-signature');
    assert.equal(connections, 0, 'the pod did not connect to the address the keyId named');
    assert.equal(await A.runtime.store.headPosition(), head);
  });

  test('keyIds on IPv6 forms of loopback (mapped, NAT64, 6to4): 401 invalid-signature, nothing connects', async () => {
    const port = new URL(lureUrl).port;
    // ::ffff:7f00:1 does reach the lure (an IPv6 socket connects to IPv4-mapped addresses
    // over IPv4): the check below shows it. NAT64 and 6to4 have no gateway here; the policy
    // refuses them before any packet leaves.
    for (const host of ['[::ffff:7f00:1]', '[64:ff9b::7f00:1]', '[2002:7f00:1::1]', '[64:ff9b:1::a00:1]']) {
      const body = JSON.stringify(deliveryBody([]));
      const url = `${A.baseUrl}/federation/inbox`;
      const signed = signRequest({ method: 'POST', url, body, keyId: `http://${host}:${port}/federation/actor#main-key`, privateKey: B.runtime.keys.rsa.privateKey });
      const head = await A.runtime.store.headPosition();
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/activity+json', date: signed.Date, host: signed.Host, digest: signed.Digest!, signature: signed.Signature },
        body,
      });
      assert.equal(response.status, 401, host);
      assert.equal(((await response.json()) as { code: string }).code, 'invalid-signature', host);
      assert.equal(await A.runtime.store.headPosition(), head);
    }
    assert.equal(connections, 0, 'the pod connected to none of them');
  });

  test('make-friends with a loopback host: refused with the reason, nothing appended, nothing connected', async () => {
    const head = await A.runtime.store.headPosition();
    const response = await fetch(`${A.baseUrl}/api/v1/pods/make-friends`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await A.adminToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ hosts: [B.config.host, new URL(lureUrl).host] }),
    });
    const problem = (await response.json()) as { code: string; failed: Array<{ host: string; error: string }> };
    assert.equal(response.status, 502);
    assert.equal(problem.code, 'peer-unreachable');
    assert.deepEqual(problem.failed.map((f) => f.host).sort(), [B.config.host, new URL(lureUrl).host].sort());
    for (const failure of problem.failed) assert.match(failure.error, /private or special-purpose address \(federation\.allowPrivateAddresses is off\)/);
    assert.equal(connections, 0);
    assert.equal(await A.runtime.store.headPosition(), head);
    assert.equal(await B.runtime.federation.peers.friendshipWith(A.runtime.actor), null, 'B heard nothing from A');
  });

  test('make-friends with an http:// public host: 400 insecure-peer outside demo mode, and in demo mode unless loopback; nothing appended', async () => {
    for (const [pod, hosts] of [
      [A, ['http://pod.example']],
      [A, [B.config.host, `http://${B.config.host}`]],
      [B, ['http://10.1.2.3:9000']],
    ] as const) {
      const head = await pod.runtime.store.headPosition();
      const response = await fetch(`${pod.baseUrl}/api/v1/pods/make-friends`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await pod.adminToken()}`, 'content-type': 'application/json' },
        body: JSON.stringify({ hosts }),
      });
      assert.equal(response.headers.get('content-type')?.split(';')[0], 'application/problem+json');
      const problem = (await response.json()) as { code: string; detail: string };
      assert.equal(response.status, 400, JSON.stringify(problem));
      assert.equal(problem.code, 'insecure-peer');
      assert.match(problem.detail, /HTTPS|https:\/\//);
      assert.equal(await pod.runtime.store.headPosition(), head, 'nothing appended');
    }
    assert.equal(connections, 0);
  });

  test('the federation client refuses those forms with the policy\'s reason; without the policy the mapped one connects', async () => {
    const port = new URL(lureUrl).port;
    const guarded = new FederationClient(`${A.runtime.actor}#main-key`, A.runtime.keys.rsa.privateKey, { allowPrivateAddresses: false });
    const open = new FederationClient(`${A.runtime.actor}#main-key`, A.runtime.keys.rsa.privateKey, { allowPrivateAddresses: true });
    const atStart = connections;
    try {
      for (const host of ['[::ffff:7f00:1]', '[::ffff:a9fe:a9fe]', '[64:ff9b::7f00:1]', '[64:ff9b::a9fe:a9fe]', '[2002:7f00:1::1]', '[2002:c0a8:101::1]', '[64:ff9b:1::1]']) {
        await assert.rejects(guarded.getJson(`https://${host}:${port}/federation/actor`), /private or special-purpose address \(federation\.allowPrivateAddresses is off\)/, host);
      }
      assert.equal(connections, atStart, 'none of the refused forms connected');
      assert.deepEqual(await open.getJson(`http://[::ffff:7f00:1]:${port}/federation/actor`), {}, 'the mapped form is a real way to loopback');
      assert.equal(connections, atStart + 1);
    } finally {
      await Promise.all([guarded.close(), open.close()]);
    }
  });
});

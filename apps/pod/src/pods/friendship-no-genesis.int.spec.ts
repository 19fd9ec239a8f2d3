import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startTestPod, type TestPod } from '../../../../libs/testing/src/test-pod.js';

/**
 * A peer that takes a friendship request but never serves its genesis (PodJoined): the pod
 * knows a friendship with it and nothing else (no row in rm_pods). Dropping that request is
 * an ordinary admin action: 200 with what the pod knows, then 409 when there is nothing left
 * to drop; never a 500. The peer is a loopback HTTP server that answers as little as a pod
 * that lost its log would.
 */
describe('DELETE /api/v1/pods/{host}/friendship toward a peer that never served a genesis', () => {
  let pod: TestPod;
  let peer: Server;
  let peerHost: string;
  let inboxPosts = 0;

  before(async () => {
    peer = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.method === 'GET' && path === '/api/v1/pods') return json(200, [{ host: peerHost, status: 'active' }]);
      if (req.method === 'GET' && path === '/federation/actor') return json(200, { id: `http://${peerHost}/federation/actor`, inbox: `http://${peerHost}/federation/inbox` });
      if (req.method === 'GET' && path === '/federation/events') return json(200, { events: [], origins: [] });
      if (req.method === 'POST' && path === '/federation/inbox') {
        inboxPosts++;
        req.resume();
        return req.on('end', () => json(202, {}));
      }
      json(404, {});
    });
    peer.listen(0, '127.0.0.1');
    await once(peer, 'listening');
    peerHost = `127.0.0.1:${(peer.address() as { port: number }).port}`;
    pod = await startTestPod({ http: true, reachableHost: true, env: { SWARMTUBE_HEALTH_PROBE_INTERVAL_SECONDS: '0' } });
  }, { timeout: 30_000 });
  after(async () => {
    peer?.close();
    await pod?.destroy();
  }, { timeout: 30_000 });

  test('the request is dropped with 200, then 409 not-friends; never 500', async () => {
    const report = await pod.runtime.federation.membership.makeFriends([peerHost]);
    assert.deepEqual(report.requested, [peerHost], JSON.stringify(report));
    assert.ok(inboxPosts >= 1, 'the request reached the peer');
    assert.equal((await pod.runtime.federation.peers.friendshipWith(`http://${peerHost}/federation/actor`))?.status, 'requested');
    const listed = (await (await fetch(`${pod.baseUrl}/api/v1/pods`)).json()) as Array<{ host: string }>;
    assert.equal(listed.find((p) => p.host === peerHost), undefined, 'no genesis, so not among the known pods');

    const token = await pod.adminToken();
    const drop = () => fetch(`${pod.baseUrl}/api/v1/pods/${peerHost}/friendship`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    const first = await drop();
    const view = (await first.json()) as { host: string; actor: string; friendship: string };
    assert.equal(first.status, 200, JSON.stringify(view));
    assert.deepEqual([view.host, view.actor, view.friendship], [peerHost, `http://${peerHost}/federation/actor`, 'ended']);
    assert.equal((await pod.runtime.federation.peers.friendshipWith(view.actor))?.status, 'ended');

    const head = await pod.runtime.store.headPosition();
    const second = await drop();
    assert.equal(second.status, 409);
    assert.equal(second.headers.get('content-type')?.split(';')[0], 'application/problem+json');
    assert.equal(((await second.json()) as { code: string }).code, 'not-friends');
    assert.equal(await pod.runtime.store.headPosition(), head, 'nothing appended by the refusal');
  });
});

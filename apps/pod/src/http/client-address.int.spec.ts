import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { after, describe, test } from 'node:test';
import { HASH_A, announcePath, decodeDict, peerId, startHttpTracker, text, type HttpTracker } from '../../../../libs/tracker/src/test-support.js';
import type { Decoded } from '../../../../libs/tracker/src/index.js';
import { startTestPod } from '../../../../libs/testing/src/test-pod.js';
import { ClientAddresses } from './client-address.js';

function get(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A WebSocket upgrade: 101 (the socket, kept open) or the refusal's status. */
function upgrade(port: number, headers: Record<string, string>): Promise<{ status: number; socket?: Duplex }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      path: '/tracker/socket',
      agent: false,
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': randomBytes(16).toString('base64'), ...headers },
    });
    req.on('upgrade', (_res, socket) => resolve({ status: 101, socket }));
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    });
    req.on('error', reject);
    req.end();
  });
}

/** The addresses in a dictionary (compact=0) announce answer. */
function peerAddresses(body: Buffer): string[] {
  const peers = decodeDict(body).get('peers') as Decoded[];
  return peers.map((peer) => text((peer as Map<string, Decoded>).get('ip')));
}

async function twoAnnounces(tracker: HttpTracker): Promise<string[]> {
  await get(tracker.port, announcePath({ infoHash: HASH_A, peerId: peerId('-AA0001-'), port: 6001 }) + '&compact=0', { 'x-forwarded-for': '203.0.113.7' });
  const answer = await get(tracker.port, announcePath({ infoHash: HASH_A, peerId: peerId('-BB0001-'), port: 6002 }) + '&compact=0', { 'x-forwarded-for': '198.51.100.9' });
  assert.equal(answer.status, 200);
  return peerAddresses(answer.body);
}

describe('trusted proxies: X-Forwarded-For and -Proto believed from them only', () => {
  const closers: Array<() => Promise<void>> = [];
  after(async () => {
    for (const close of closers) await close();
  });
  const tracker = async (trustedProxies: string[], options: { maxWsConnectionsPerAddress?: number } = {}) => {
    const addresses = new ClientAddresses(trustedProxies);
    const started = await startHttpTracker({ clientAddress: (req) => addresses.of(req), ...options });
    closers.push(() => started.close());
    return started;
  };

  test('tracker, HTTP: a forged X-Forwarded-For from an untrusted address is ignored; the peer list carries the socket address', async () => {
    assert.deepEqual(await twoAnnounces(await tracker([])), ['127.0.0.1']);
    assert.deepEqual(await twoAnnounces(await tracker(['10.0.0.0/8'])), ['127.0.0.1'], 'another proxy is trusted, not this one');
  });

  test('tracker, HTTP: behind a trusted proxy the peer list carries the forwarded address', async () => {
    assert.deepEqual(await twoAnnounces(await tracker(['127.0.0.1'])), ['203.0.113.7']);
    assert.deepEqual(await twoAnnounces(await tracker(['loopback'])), ['203.0.113.7']);
  });

  test('tracker, WebSocket: the per-address cap tells forwarded clients apart behind a trusted proxy only', async () => {
    const trusted = await tracker(['127.0.0.1'], { maxWsConnectionsPerAddress: 1 });
    const untrusted = await tracker([], { maxWsConnectionsPerAddress: 1 });
    const sockets: Duplex[] = [];
    try {
      for (const [server, second] of [[trusted, 101], [untrusted, 429]] as const) {
        const first = await upgrade(server.port, { 'x-forwarded-for': '203.0.113.7' });
        assert.equal(first.status, 101);
        sockets.push(first.socket!);
        const other = await upgrade(server.port, { 'x-forwarded-for': '198.51.100.9' });
        if (other.socket) sockets.push(other.socket);
        assert.equal(other.status, second);
      }
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  });

  test('the scheme: X-Forwarded-Proto from a trusted proxy only', async () => {
    const server = http.createServer((req, res) => res.end(`${new ClientAddresses(['127.0.0.1']).protocolOf(req)} ${new ClientAddresses([]).protocolOf(req)}`));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    closers.push(async () => void server.close());
    const port = (server.address() as AddressInfo).port;
    assert.equal((await get(port, '/', { 'x-forwarded-proto': 'https' })).body.toString(), 'https http');
    assert.equal((await get(port, '/', { 'x-forwarded-proto': 'gopher' })).body.toString(), 'http http');
    assert.equal((await get(port, '/', {})).body.toString(), 'http http');
  });

  test('login limit: keyed on the forwarded address behind a trusted proxy; forged headers from anyone else change nothing', async () => {
    const behindProxy = await startTestPod({ http: true, env: { SWARMTUBE_TRUSTED_PROXIES: '127.0.0.1' } });
    const direct = await startTestPod({ http: true });
    closers.push(() => behindProxy.destroy(), () => direct.destroy());
    const login = (pod: typeof direct, forwardedFor: string) =>
      fetch(`${pod.baseUrl}/api/v1/users/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
        body: JSON.stringify({ username: 'root', password: 'wrong password' }),
      }).then(async (response) => {
        await response.body?.cancel();
        return response.status;
      });
    for (let i = 0; i < 10; i += 1) assert.equal(await login(behindProxy, '203.0.113.7'), 400);
    assert.equal(await login(behindProxy, '203.0.113.7'), 429, 'the 11th attempt of that client');
    assert.equal(await login(behindProxy, '198.51.100.9'), 400, 'another client behind the same proxy is not limited');
    // Directly, each attempt forges another address: they are all the socket's, one bucket.
    for (let i = 0; i < 10; i += 1) assert.equal(await login(direct, `203.0.113.${i + 1}`), 400);
    assert.equal(await login(direct, '198.51.100.9'), 429);
  });
});

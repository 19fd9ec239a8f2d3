import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { v7 as uuidv7 } from 'uuid';
import { makeTestCertificates, type TestCertificate, type TestCertificates } from '../../../../libs/testing/src/test-certificates.js';
import { friendshipStream } from '../../../../libs/contracts/src/events/event-streams.js';
import { encodeMultikey } from '../../../../libs/event-envelope/src/multikey.js';
import { createTestSealer, sealChain } from '../../../../libs/testing/src/test-sealer.js';
import { startTestPod } from '../../../../libs/testing/src/test-pod.js';
import { waitUntil } from '../../../../libs/testing/src/wait-until.js';
import { FederationClient, FederationRequestError } from './federation-client.js';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KEY_ID = 'https://me.example/federation/actor#main-key';

interface PeerServer {
  url: string;
  requests: number;
  server: Server | HttpServer;
}

async function listen(server: Server | HttpServer): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return String((server.address() as AddressInfo).port);
}

/** A pod-like peer on loopback that answers every request with a small actor document. */
async function peer(certificate: TestCertificate | null): Promise<PeerServer> {
  const state: PeerServer = { url: '', requests: 0, server: undefined as unknown as Server };
  const handler = (_request: unknown, response: import('node:http').ServerResponse) => {
    state.requests += 1;
    response.setHeader('content-type', 'application/activity+json');
    response.end(JSON.stringify({ id: 'peer' }));
  };
  state.server = certificate ? createServer({ key: certificate.key, cert: certificate.cert }, handler) : createHttpServer(handler);
  const port = await listen(state.server);
  state.url = `${certificate ? 'https' : 'http'}://127.0.0.1:${port}/federation/actor`;
  return state;
}

async function refusal(client: FederationClient, url: string): Promise<string> {
  const error = await client.getJson(url).then(
    () => assert.fail(`${url} was accepted`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof FederationRequestError, String(error));
  return error.message;
}

describe('federation over TLS: certificates are verified, never a fallback to HTTP', () => {
  let certs: TestCertificates;
  const peers: Record<'good' | 'expired' | 'selfSigned' | 'otherName' | 'plain', PeerServer> = {} as never;
  const clients: FederationClient[] = [];
  const client = (options: ConstructorParameters<typeof FederationClient>[2]) => {
    const made = new FederationClient(KEY_ID, privateKey, options);
    clients.push(made);
    return made;
  };

  before(async () => {
    certs = makeTestCertificates();
    peers.good = await peer(certs.good);
    peers.expired = await peer(certs.expired);
    peers.selfSigned = await peer(certs.selfSigned);
    peers.otherName = await peer(certs.otherName);
    peers.plain = await peer(null);
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    for (const p of Object.values(peers)) p.server.close();
    certs.remove();
  });

  test('a peer whose certificate the private CA signed answers, with the CA from NODE_EXTRA_CA_CERTS', async () => {
    const withCa = client({ allowPrivateAddresses: true, env: { NODE_EXTRA_CA_CERTS: certs.caFile } });
    assert.deepEqual(await withCa.getJson(peers.good.url), { id: 'peer' });
    assert.equal(peers.good.requests, 1);
  });

  test('without the CA, the same peer is refused (unknown issuer), and nothing reaches it', async () => {
    const before = peers.good.requests;
    assert.match(await refusal(client({ allowPrivateAddresses: true, env: {} }), peers.good.url), /certificate|issuer/i);
    assert.equal(peers.good.requests, before);
  });

  test('expired, self-signed and another name\'s certificates are refused, even with the CA', async () => {
    const withCa = client({ allowPrivateAddresses: true, env: { NODE_EXTRA_CA_CERTS: certs.caFile } });
    assert.match(await refusal(withCa, peers.expired.url), /expired/i);
    assert.match(await refusal(withCa, peers.selfSigned.url), /self[- ]signed/i);
    assert.match(await refusal(withCa, peers.otherName.url), /altname|does not match|Hostname/i);
    for (const name of ['expired', 'selfSigned', 'otherName'] as const) assert.equal(peers[name].requests, 0, `${name}: no request got through`);
  });

  test('plain HTTP: refused to anything but loopback, and to loopback too outside demo mode', async () => {
    assert.match(await refusal(client({ allowPrivateAddresses: false }), peers.plain.url), /HTTPS/);
    assert.match(await refusal(client({ allowPrivateAddresses: true }), 'http://pod.example/federation/actor'), /loopback/);
    assert.equal(peers.plain.requests, 0);
    // The demo: plain HTTP on loopback.
    assert.deepEqual(await client({ allowPrivateAddresses: true }).getJson(peers.plain.url), { id: 'peer' });
  });

  test('a pod process started with NODE_EXTRA_CA_CERTS trusts the private CA (and only its signed certificates)', async () => {
    const clientModule = fileURLToPath(new URL('./federation-client.js', import.meta.url));
    const script = `
      import { generateKeyPairSync } from 'node:crypto';
      const { FederationClient } = await import(${JSON.stringify(clientModule)});
      const client = new FederationClient('https://me.example/federation/actor#main-key', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, { allowPrivateAddresses: true });
      const good = await client.getJson(process.argv[1]);
      const bad = await client.getJson(process.argv[2]).then(() => 'accepted', (e) => e.message);
      console.log(JSON.stringify({ good, bad }));
      await client.close();`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, peers.good.url, peers.selfSigned.url], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: certs.caFile },
      timeout: 60_000,
    });
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as { good: unknown; bad: string };
    assert.deepEqual(result.good, { id: 'peer' });
    assert.match(result.bad, /self[- ]signed/i);
  });
});

describe('a friend with a bad certificate is a failed contact in its health', () => {
  test('expired: each probe fails and counts, the score drops; nothing reaches the friend', async () => {
    const certs = makeTestCertificates();
    const friend = await peer(certs.expired);
    const pod = await startTestPod({ host: 'a.test:9001', env: { SWARMTUBE_HEALTH_PROBE_INTERVAL_SECONDS: '0' } });
    try {
      const actor = friend.url;
      const host = new URL(actor).host;
      const sealer = createTestSealer(actor);
      const rsaPublicKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const chain = sealChain(sealer, [
        { id: `urn:uuid:${uuidv7()}`, stream: `pod:${host}`, type: 'PodJoined', data: { host, actor, name: 'TLS friend', keys: { ed25519Multibase: encodeMultikey(sealer.publicKey), rsaPublicKeyPem } } },
        { id: `urn:uuid:${uuidv7()}`, stream: friendshipStream(host, 'a.test:9001'), type: 'FriendshipRequested', data: { requester: actor, target: pod.runtime.actor } },
      ]);
      const outcomes = await pod.runtime.eventLog.receive(chain);
      assert.deepEqual(outcomes.map((o) => o.status), ['appended', 'appended'], JSON.stringify(outcomes));
      const { health, peers } = pod.runtime.federation;
      await waitUntil('the friendship accepted', async () => (await peers.friends()).includes(actor), 30_000);
      await health.probeFriends();
      await health.probeFriends();
      const seen = health.healthOf(actor);
      assert.equal(seen.failures, 2);
      assert.equal(seen.failuresInRow, 2);
      assert.equal(seen.successes, 0);
      assert.ok(seen.score < 100, `score ${seen.score}`);
      assert.equal(friend.requests, 0, 'no request got through, over TLS or plain HTTP');
    } finally {
      await pod.destroy();
      friend.server.close();
      certs.remove();
    }
  });
});

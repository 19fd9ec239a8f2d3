import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { streamFor } from '../../../../../libs/contracts/src/events/event-streams.js';
import type { EventEnvelope } from '../../../../../libs/event-envelope/src/envelope.js';
import { signRequest } from '../../../../../libs/http-signatures/src/index.js';
import { startTestPod, type TestDatabase, type TestPod } from '../../../../../libs/testing/src/test-pod.js';
import { deliveryBody } from '../activities.js';

/**
 * A signed Follow from a pod this pod does not know makes the inbox pull that pod's log first.
 * Here the stranger's HTTP side is a small node:http server on loopback that answers its actor
 * document properly (signed with its real keys, from a real pod runtime's key files and log) but
 * serves its log badly: no answer, an answer too large, a redirect, a 500, not JSON. Each time
 * the inbox answers a problem (502 peer-unreachable, never a 500), appends nothing, and counts
 * the failure in the stranger's health; once the stranger serves its log, the very same signed
 * request is accepted.
 */

type Mode = 'slow' | 'too-large' | 'redirect' | 'status-500' | 'not-json' | 'healthy';

interface Answer {
  status: number;
  contentType: string;
  body: any;
}

for (const database of ['sqlite', 'postgres'] as TestDatabase[]) {
  describe(`the inbox, when a pod asking to join cannot hand over its log (${database})`, () => {
    let A: TestPod;
    /** The stranger's runtime: its keys and its log. Its HTTP side is `server`. */
    let D: TestPod;
    let server: Server;
    let mode: Mode = 'healthy';
    let follow: EventEnvelope;
    const held = new Set<ServerResponse>();

    function serve(request: IncomingMessage, response: ServerResponse): void {
      const url = new URL(request.url ?? '/', `http://${D.config.host}`);
      if (url.pathname === '/federation/actor') {
        const actor = D.runtime.actor;
        response.setHeader('content-type', 'application/activity+json');
        response.end(JSON.stringify({ id: actor, type: 'Application', publicKey: { id: `${actor}#main-key`, owner: actor, publicKeyPem: D.runtime.keys.rsa.publicKeyPem } }));
        return;
      }
      if (url.pathname !== '/federation/events') {
        response.statusCode = 404;
        response.end();
        return;
      }
      switch (mode) {
        case 'slow':
          // Never answers: held until the test ends.
          held.add(response);
          return;
        case 'too-large':
          // 9 MiB declared whatever is asked: over what a puller reads (8 MiB), even for one event.
          // Each halved page is refused at its Content-Length; the body never needs to follow.
          response.writeHead(200, { 'content-type': 'application/json', 'content-length': 9 * 1024 * 1024 });
          response.write('{"events":[');
          held.add(response);
          return;
        case 'redirect':
          response.statusCode = 302;
          response.setHeader('location', `http://${D.config.host}/elsewhere`);
          response.end();
          return;
        case 'status-500':
          response.statusCode = 500;
          response.end('upstream exploded');
          return;
        case 'not-json':
          response.setHeader('content-type', 'text/html');
          response.end('<html><body>maintenance</body></html>');
          return;
        case 'healthy': {
          const after = Number(url.searchParams.get('after') ?? 0);
          const limit = Number(url.searchParams.get('limit') ?? 100);
          void D.runtime.store.readOrigin(D.runtime.actor, { after, limit }).then((page) => {
            response.setHeader('content-type', 'application/json');
            response.end(JSON.stringify({ origin: D.runtime.actor, events: page.map((e) => e.event), next: page.at(-1)?.event.originSeq ?? after }));
          });
        }
      }
    }

    before(async () => {
      server = createServer(serve);
      // Port 0: a port picked free beforehand may be taken meanwhile by a parallel test.
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const { port } = server.address() as { port: number };
      [A, D] = await Promise.all([startTestPod({ database, http: true, reachableHost: true }), startTestPod({ database, host: `127.0.0.1:${port}` })]);
      const data = { requester: D.runtime.actor, target: A.runtime.actor };
      const stream = streamFor({ type: 'FriendshipRequested', schemaVersion: 1, data, origin: D.runtime.actor })!;
      const appended = await D.runtime.eventLog.append(stream, [{ type: 'FriendshipRequested', schemaVersion: 1, data }], { expectedVersion: 'any' });
      follow = appended.events[0].event;
      assert.equal(follow.originSeq, 2, "the Follow's event comes after the stranger's genesis: the inbox must pull that first");
    }, { timeout: 60_000 });
    after(async () => {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      server.close();
      await Promise.all([A, D].filter(Boolean).map((pod) => pod.destroy()));
    }, { timeout: 30_000 });

    /** The Follow, signed by the stranger's real RSA key, as its delivery would send it. */
    function signedFollow(): { body: string; headers: Record<string, string> } {
      const url = `${A.baseUrl}/federation/inbox`;
      const body = JSON.stringify(deliveryBody([follow]));
      const s = signRequest({ method: 'POST', url, body, keyId: `${D.runtime.actor}#main-key`, privateKey: D.runtime.keys.rsa.privateKey });
      return { body, headers: { 'content-type': 'application/activity+json', date: s.Date, host: s.Host, digest: s.Digest!, signature: s.Signature } };
    }

    async function post(request: { body: string; headers: Record<string, string> }): Promise<Answer> {
      const response = await fetch(`${A.baseUrl}/federation/inbox`, { method: 'POST', headers: request.headers, body: request.body, signal: AbortSignal.timeout(30_000) });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // kept as text for the messages
      }
      return { status: response.status, contentType: response.headers.get('content-type')?.split(';')[0] ?? '', body };
    }

    const failures: Array<[Exclude<Mode, 'healthy'>, string]> = [
      ['slow', 'timeout'],
      ['too-large', 'too-large'],
      ['redirect', 'redirect'],
      ['status-500', 'status'],
      ['not-json', 'not-json'],
    ];
    for (const [failure, kind] of failures) {
      test(`its log ${failure === 'slow' ? 'never comes' : `answers ${failure}`}: 502 peer-unreachable (${kind}), nothing appended, counted in its health`, { timeout: 60_000 }, async () => {
        mode = failure;
        const head = await A.runtime.store.headPosition();
        const failuresBefore = A.runtime.federation.health.healthOf(D.runtime.actor).failures;
        const started = Date.now();
        const answer = await post(signedFollow());
        assert.equal(answer.status, 502, JSON.stringify(answer.body));
        assert.equal(answer.contentType, 'application/problem+json');
        assert.equal(answer.body.code, 'peer-unreachable');
        assert.equal(answer.body.peerFailure, kind, answer.body.detail);
        assert.ok(Date.now() - started < 10_000, 'answered before a sending pod gives up waiting (10 s)');
        assert.equal(await A.runtime.store.headPosition(), head, 'nothing was appended');
        assert.equal(await A.runtime.store.originHead(D.runtime.actor), null, "none of the stranger's events");
        assert.equal(A.runtime.federation.health.healthOf(D.runtime.actor).failures, failuresBefore + 1, "the failure counts in the stranger's health");
        const config = await fetch(`${A.baseUrl}/api/v1/config`);
        assert.equal(config.status, 200, 'A still serves');
        await config.body?.cancel();
      });
    }

    test('once the stranger serves its log, the very same signed request is accepted, its log and its Follow appended', { timeout: 60_000 }, async () => {
      mode = 'healthy';
      const request = signedFollow();
      mode = 'status-500';
      assert.equal((await post(request)).status, 502);
      mode = 'healthy';
      const answer = await post(request);
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
      // The pull brought the stranger's whole log, its Follow included: the Follow itself is then already held.
      assert.equal(answer.body.accepted + answer.body.duplicates, 1, JSON.stringify(answer.body));
      assert.deepEqual(answer.body.rejected, []);
      assert.equal((await A.runtime.store.originHead(D.runtime.actor))?.seq, 2, "A holds the stranger's genesis and its Follow");
      assert.equal((await post(request)).status, 409, 'accepted once: the same request again is a replay');
    });
  });
}

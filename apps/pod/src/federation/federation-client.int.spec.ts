import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { FederationClient, FederationRequestError, type PeerFailureKind } from './federation-client.js';

/**
 * Every way a peer's answer can fail, typed, against a real HTTP server on loopback: callers
 * decide on the kind (split a page that was too large, answer 502 for a joining pod's log).
 */
describe('FederationClient: a failed request says why', () => {
  let server: Server;
  let base: string;
  const held: ServerResponse[] = [];
  const client = new FederationClient('http://127.0.0.1:1/federation/actor#main-key', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, { allowPrivateAddresses: true });

  before(async () => {
    server = createServer((request, response) => {
      switch (request.url) {
        case '/chunked-too-large': {
          // No Content-Length: the reader stops on its own past its limit.
          const chunk = Buffer.alloc(1024 * 1024, ' ');
          response.write('[');
          for (let i = 0; i < 9; i++) response.write(chunk);
          response.end(']');
          return;
        }
        case '/declared-too-large':
          response.setHeader('content-length', 9 * 1024 * 1024);
          response.write(' ');
          held.push(response);
          return;
        case '/small-but-over-the-asked-limit':
          response.end(JSON.stringify({ events: 'x'.repeat(2000) }));
          return;
        case '/redirect':
          response.statusCode = 302;
          response.setHeader('location', '/elsewhere');
          response.end();
          return;
        case '/hang':
          held.push(response);
          return;
        case '/not-json':
          response.end('<html></html>');
          return;
        case '/problem':
          response.statusCode = 503;
          response.setHeader('content-type', 'application/problem+json');
          response.end(JSON.stringify({ code: 'store-closed' }));
          return;
        default:
          response.end('{"ok":true}');
      }
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    for (const response of held) response.destroy();
    server.closeAllConnections();
    server.close();
    await client.close();
  });

  async function failure(path: string, limits = {}): Promise<FederationRequestError> {
    try {
      await client.getJson(`${base}${path}`, 'application/json', limits);
    } catch (error) {
      assert.ok(error instanceof FederationRequestError, String(error));
      return error;
    }
    assert.fail(`${path} did not fail`);
  }

  const cases: Array<[string, PeerFailureKind, Record<string, number>?]> = [
    ['/chunked-too-large', 'too-large'],
    ['/declared-too-large', 'too-large'],
    ['/small-but-over-the-asked-limit', 'too-large', { maxResponseBytes: 1000 }],
    ['/redirect', 'redirect'],
    ['/hang', 'timeout', { timeoutMs: 300 }],
    ['/not-json', 'not-json'],
    ['/problem', 'status'],
  ];
  for (const [path, kind, limits] of cases) {
    test(`${path.slice(1)}: ${kind}`, async () => {
      const error = await failure(path, limits);
      assert.equal(error.kind, kind, error.message);
      if (kind === 'status') {
        assert.equal(error.status, 503);
        assert.equal(error.code, 'store-closed');
      }
    });
  }

  test('a refused port: network', async () => {
    const error = await (async () => {
      try {
        await client.getJson('http://127.0.0.1:1/federation/actor');
      } catch (caught) {
        return caught as FederationRequestError;
      }
      return assert.fail('no failure');
    })();
    assert.equal(error.kind, 'network');
  });

  test('a good answer is read', async () => {
    assert.deepEqual(await client.getJson(`${base}/ok`), { ok: true });
  });
});

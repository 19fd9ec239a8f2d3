import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { v7 as uuidv7 } from 'uuid';
import { encodeMultikey } from '../../../../libs/event-envelope/src/multikey.js';
import { createTestSealer, sealChain } from '../../../../libs/testing/src/test-sealer.js';
import { startTestPod, type TestPod } from '../../../../libs/testing/src/test-pod.js';
import { waitUntil } from '../../../../libs/testing/src/wait-until.js';

function directives(header: string | null): Map<string, string[]> {
  assert.ok(header, 'a Content-Security-Policy header');
  return new Map(header.split(';').map((part) => part.trim().split(/\s+/)).filter((words) => words[0]).map(([name, ...values]) => [name, values]));
}

describe('security headers: site, API and files', () => {
  let plain: TestPod;
  let secure: TestPod;
  before(async () => {
    plain = await startTestPod({ http: true, host: 'pod.test:9001' });
    secure = await startTestPod({ http: true, env: { SWARMTUBE_HOST: '', SWARMTUBE_PUBLIC_URL: 'https://video.swarm.test' } });
  });
  after(async () => {
    await plain.destroy();
    await secure.destroy();
  });

  test('an http:// pod: a CSP that allows its own origin and the player\'s needs, nosniff, a referrer policy, no HSTS', async () => {
    for (const path of ['/', '/api/v1/config', '/videos/watch/0190c0de-0000-7000-8000-000000000000']) {
      const response = await fetch(`${plain.baseUrl}${path}`);
      await response.body?.cancel();
      const csp = directives(response.headers.get('content-security-policy'));
      assert.deepEqual(csp.get('script-src'), ["'self'"], 'nothing inline, nothing from elsewhere');
      assert.deepEqual(csp.get('worker-src'), ["'self'"]);
      assert.deepEqual(csp.get('object-src'), ["'none'"]);
      assert.ok(csp.get('media-src')!.includes('blob:') && csp.get('media-src')!.includes('mediastream:'));
      assert.ok(csp.get('connect-src')!.includes('http://pod.test:9001') && csp.get('connect-src')!.includes('ws://pod.test:9001'));
      assert.ok(!csp.has('upgrade-insecure-requests'), 'no upgrade on a plain-HTTP pod');
      assert.equal(response.headers.get('strict-transport-security'), null);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(response.headers.get('cross-origin-resource-policy'), 'cross-origin', 'other pods\' sites load our files');
    }
  });

  test('an https:// pod: HSTS, upgrade-insecure-requests, wss:// trackers', async () => {
    const response = await fetch(`${secure.baseUrl}/`);
    await response.body?.cancel();
    assert.match(response.headers.get('strict-transport-security') ?? '', /max-age=\d+/);
    const csp = directives(response.headers.get('content-security-policy'));
    assert.ok(csp.has('upgrade-insecure-requests'));
    assert.ok(csp.get('connect-src')!.includes('wss://video.swarm.test'));
    assert.ok(csp.get('connect-src')!.includes('https://video.swarm.test'));
  });

  test('a pod it learns of joins connect-src, img-src and media-src within seconds', async () => {
    const actor = 'https://friend.swarm.test/federation/actor';
    const sealer = createTestSealer(actor);
    const rsaPublicKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const [joined] = sealChain(sealer, [
      { id: `urn:uuid:${uuidv7()}`, stream: 'pod:friend.swarm.test', type: 'PodJoined', data: { host: 'friend.swarm.test', actor, name: 'Friend', keys: { ed25519Multibase: encodeMultikey(sealer.publicKey), rsaPublicKeyPem } } },
    ]);
    assert.equal((await secure.runtime.eventLog.receive([joined]))[0].status, 'appended');
    const csp = await waitUntil('the friend in the CSP', async () => {
      const response = await fetch(`${secure.baseUrl}/`);
      await response.body?.cancel();
      const parsed = directives(response.headers.get('content-security-policy'));
      return parsed.get('connect-src')!.includes('wss://friend.swarm.test') ? parsed : undefined;
    }, 30_000, 500);
    assert.ok(csp.get('connect-src')!.includes('https://friend.swarm.test'));
    assert.ok(csp.get('img-src')!.includes('https://friend.swarm.test'));
    assert.ok(csp.get('media-src')!.includes('https://friend.swarm.test'));
  });
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { iceServersFor, iceServersForNodeDatachannel, turnCredential, ViewerSessions } from './ice-servers.js';

const SECRET = 'a-secret-shared-with-coturn';

describe('TURN REST credentials', () => {
  test('username <expiry>:<id>, credential base64(HMAC-SHA1(secret, username)), as openssl computes it', () => {
    const { username, credential } = turnCredential(SECRET, 'viewer-1', 1796640000);
    assert.equal(username, '1796640000:viewer-1');
    const openssl = execFileSync('sh', ['-c', `printf %s '${username}' | openssl dgst -sha1 -hmac '${SECRET}' -binary | base64`], { encoding: 'utf8' }).trim();
    assert.equal(credential, openssl);
  });

  test('the ICE servers carry STUN as given and TURN with a credential, never the secret', () => {
    const servers = iceServersFor({ stunUrls: ['stun:stun.example:3478'], turnUrls: ['turn:turn.example:3478?transport=udp'], turnSecret: SECRET, credentialTtlSeconds: 60 }, 'v', 100);
    assert.deepEqual(servers[0], { urls: ['stun:stun.example:3478'] });
    assert.equal(servers[1].username, '100:v');
    assert.ok(!JSON.stringify(servers).includes(SECRET));
    assert.deepEqual(iceServersFor({ stunUrls: [], turnUrls: [], turnSecret: '', credentialTtlSeconds: 60 }, 'v', 100), []);
  });

  test('for node-datachannel the username and credential are percent-encoded (it splits turn:USER:PASS@host)', () => {
    const [server] = iceServersForNodeDatachannel([{ urls: ['turn:t.example'], username: '100:seeder', credential: 'ab+/c=' }]);
    assert.equal(server.username, '100%3Aseeder');
    assert.equal(server.credential, 'ab%2B%2Fc%3D');
  });
});

describe('viewer sessions', () => {
  let now = Date.UTC(2026, 11, 7, 12);
  const sessions = new ViewerSessions(60, undefined, () => now);

  test('a session checks until it expires, then is refused as expired', () => {
    const session = sessions.issue();
    assert.deepEqual(sessions.check(session.token), { ok: true, id: session.id, expiresAtSeconds: session.expiresAtSeconds });
    now += 59_000;
    assert.equal(sessions.check(session.token).ok, true);
    now += 1_000;
    assert.deepEqual(sessions.check(session.token), { ok: false, code: 'viewer-session-expired' });
  });

  test('none, malformed, tampered (a later expiry, another id) or another process\'s: refused', () => {
    const session = sessions.issue();
    assert.deepEqual(sessions.check(undefined), { ok: false, code: 'viewer-session-required' });
    assert.deepEqual(sessions.check(''), { ok: false, code: 'viewer-session-required' });
    for (const bad of ['x', `${session.token}x`, session.token.replace(/\.(\d+)\./, (_m, e: string) => `.${Number(e) + 3600}.`), session.token.replace(/^[0-9a-f]/, (c) => (c === '0' ? '1' : '0')), 'a'.repeat(10_000)]) {
      assert.deepEqual(sessions.check(bad), { ok: false, code: 'viewer-session-invalid' }, bad.slice(0, 60));
    }
    assert.deepEqual(new ViewerSessions(60).check(session.token), { ok: false, code: 'viewer-session-invalid' });
  });
});

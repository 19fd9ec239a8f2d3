import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { actorUrlOf, assertPeerScheme, canonicalPublicUrl, hostOfActor, isLoopbackHost, peerPublicUrl, PodUrls, PublicUrlError, publicUrlOfActor } from './pod-urls.js';

describe('pod URLs', () => {
  test('an HTTPS pod emits https:// and wss:// URLs; the UDP tracker stays on the pod port', () => {
    const urls = new PodUrls('https://video.example.org');
    assert.equal(urls.actor, 'https://video.example.org/federation/actor');
    assert.equal(urls.rsaKeyId, 'https://video.example.org/federation/actor#main-key');
    assert.equal(urls.ed25519KeyId, 'https://video.example.org/federation/actor#ed25519-key');
    assert.equal(urls.inbox, 'https://video.example.org/federation/inbox');
    assert.equal(urls.nodeinfo, 'https://video.example.org/nodeinfo/2.1');
    assert.equal(urls.video('u'), 'https://video.example.org/videos/watch/u');
    assert.equal(urls.webSeed('u.mp4'), 'https://video.example.org/static/web-videos/u.mp4');
    assert.equal(urls.torrent('u'), 'https://video.example.org/static/torrents/u.torrent');
    assert.equal(urls.thumbnail('u'), 'https://video.example.org/static/thumbnails/u.jpg');
    assert.deepEqual(urls.announceList(9001), ['wss://video.example.org/tracker/socket', 'https://video.example.org/tracker/announce', 'udp://video.example.org:9001']);
    assert.equal(urls.host, 'video.example.org');
  });

  test('the default http://HOST pod keeps its ws:// and http:// URLs, port included', () => {
    const urls = new PodUrls('http://localhost:9001');
    assert.deepEqual(urls.announceList(9001), ['ws://localhost:9001/tracker/socket', 'http://localhost:9001/tracker/announce', 'udp://localhost:9001']);
    assert.equal(urls.host, 'localhost:9001');
    assert.deepEqual(new PodUrls('http://[::1]:9001').announceList(9001).at(-1), 'udp://[::1]:9001');
  });

  test('the host of an actor URL, and its public URL, exactly as written', () => {
    assert.equal(hostOfActor('https://video.example.org/federation/actor'), 'video.example.org');
    assert.equal(hostOfActor('http://127.0.0.1:9001/federation/actor'), '127.0.0.1:9001');
    assert.equal(hostOfActor('https://x.example/federation/actor/'), null);
    assert.equal(hostOfActor('https://x.example/other'), null);
    assert.equal(publicUrlOfActor('https://x.example:8443/federation/actor'), 'https://x.example:8443');
    assert.equal(actorUrlOf('https://x.example'), 'https://x.example/federation/actor');
    assert.equal(PodUrls.ofActor('https://x.example/federation/actor').inbox, 'https://x.example/federation/inbox');
    assert.throws(() => PodUrls.ofActor('https://x.example/'));
  });

  test('a public URL is canonical: lower case, no default port, no trailing slash', () => {
    assert.equal(canonicalPublicUrl('HTTPS://Video.Example.ORG:443/'), 'https://video.example.org');
    assert.equal(canonicalPublicUrl('http://localhost:80'), 'http://localhost');
    assert.equal(canonicalPublicUrl('https://x.example:8443'), 'https://x.example:8443');
    for (const bad of ['x.example', 'ftp://x.example', 'https://x.example/a', 'https://x.example/.', 'https://x.example?', 'https://x.example/#', 'https://u:p@x.example', 'https://', 'javascript:alert(1)']) {
      assert.throws(() => canonicalPublicUrl(bad), PublicUrlError, bad);
    }
  });

  test('a bare host means HTTPS, except loopback hosts in demo mode', () => {
    const demo = { allowPlainHttpLoopback: true };
    const internet = { allowPlainHttpLoopback: false };
    assert.equal(peerPublicUrl('video.example.org', internet), 'https://video.example.org');
    assert.equal(peerPublicUrl('video.example.org', demo), 'https://video.example.org');
    assert.equal(peerPublicUrl('localhost:9002', demo), 'http://localhost:9002');
    assert.equal(peerPublicUrl('127.0.0.1:9002', demo), 'http://127.0.0.1:9002');
    assert.equal(peerPublicUrl('localhost:9002', internet), 'https://localhost:9002');
    assert.equal(peerPublicUrl('https://Video.Example.org/', internet), 'https://video.example.org');
    assert.equal(peerPublicUrl('http://127.0.0.1:9002', demo), 'http://127.0.0.1:9002');
  });

  test('plain HTTP peers are refused but on loopback in demo mode; junk is not a host', () => {
    assert.throws(() => peerPublicUrl('http://video.example.org', { allowPlainHttpLoopback: false }), { code: 'insecure-peer' });
    assert.throws(() => peerPublicUrl('http://video.example.org', { allowPlainHttpLoopback: true }), { code: 'insecure-peer' });
    assert.throws(() => peerPublicUrl('http://127.0.0.1:9002', { allowPlainHttpLoopback: false }), { code: 'insecure-peer' });
    assert.throws(() => assertPeerScheme('http://10.0.0.1/federation/actor', { allowPlainHttpLoopback: true }), { code: 'insecure-peer' });
    assert.doesNotThrow(() => assertPeerScheme('https://10.0.0.1/federation/actor', { allowPlainHttpLoopback: false }));
    for (const junk of ['', 'a b', 'x.example/path', 'https://x.example/path', 'x'.repeat(400), '..', 'ws://x.example']) {
      assert.throws(() => peerPublicUrl(junk, { allowPlainHttpLoopback: true }), { code: 'invalid-host' }, junk);
    }
  });

  test('loopback hosts', () => {
    for (const host of ['localhost', 'localhost:9001', 'pod.localhost', '127.0.0.1:1', '127.9.9.9', '[::1]:9001', '[::ffff:7f00:1]:9001', '[::ffff:127.0.0.1]']) assert.ok(isLoopbackHost(host), host);
    for (const host of ['localhost.example', '10.0.0.1', '128.0.0.1', 'example.org', '[::2]', '[::ffff:a9fe:a9fe]', '[::ffff:8000:1]']) assert.ok(!isLoopbackHost(host), host);
  });
});

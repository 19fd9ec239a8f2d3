import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, loadPodConfig } from './pod-config.js';

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'swarmtube-config-')), 'pod.yaml');
  writeFileSync(path, text);
  return path;
}

describe('pod config', () => {
  test('an empty file gives a working default pod', () => {
    const config = loadPodConfig({ file: file(''), env: {}, cwd: '/srv' });
    assert.equal(config.host, 'localhost:9000');
    assert.equal(config.database, 'sqlite');
    assert.equal(config.dataDir, '/srv/data/pod');
    assert.deepEqual(config.seeds, []);
  });

  test('the demo files parse with their seeds', () => {
    const config = loadPodConfig({ file: new URL('../../../../../config/pod-1.yaml', import.meta.url).pathname, env: {}, cwd: '/srv' });
    assert.equal(config.port, 9001);
    assert.deepEqual(config.seeds, ['localhost:9002', 'localhost:9003']);
    assert.equal(config.health.threshold, 20);
  });

  test('environment variables override the file, DATABASE_URL overrides database', () => {
    const config = loadPodConfig({
      file: file('port: 9001\nhealth: { threshold: 20 }\n'),
      env: { SWARMTUBE_PORT: '9100', SWARMTUBE_HEALTH_THRESHOLD: '35', SWARMTUBE_SEEDS: 'a.example:1, b.example', SWARMTUBE_SIGNUP: 'yes', DATABASE_URL: 'postgres://x@127.0.0.1/test' },
    });
    assert.equal(config.port, 9100);
    assert.equal(config.health.threshold, 35);
    assert.equal(config.health.probeIntervalSeconds, 30, 'a nested key not overridden keeps its default');
    assert.deepEqual(config.seeds, ['a.example:1', 'b.example']);
    assert.equal(config.signup, true);
    assert.equal(config.database, 'postgres://x@127.0.0.1/test');
  });

  const hostile: Array<[string, string | undefined, Record<string, string>, RegExp]> = [
    ['not YAML', '{ port: [', {}, /not valid YAML/],
    ['a list instead of a mapping', '- 1\n- 2\n', {}, /must be a YAML mapping/],
    ['an unknown key', 'prot: 9001\n', {}, /unknown key "prot"/],
    ['a port out of range', 'port: 70000\n', {}, /port number/],
    ['a port that is not a number', '', { SWARMTUBE_PORT: '90o1' }, /whole number/],
    ['a negative size', 'uploads: { maxBytes: -1 }\n', {}, /whole number/],
    ['a seed with a path', 'seeds: ["localhost:9002/evil"]\n', {}, /"seeds".*not a URL or host/],
    ['a seed URL with a path', 'seeds: ["https://pod.example/evil"]\n', {}, /"seeds".*has a path/],
    ['seeds as a string', 'seeds: localhost:9002\n', {}, /list of URLs or host/],
    ['an http:// seed outside demo mode', 'seeds: ["http://pod.example"]\n', {}, /"seeds".*HTTPS/],
    ['an http:// seed that is not loopback in demo mode', 'seeds: ["http://pod.example"]\nfederation: { allowPrivateAddresses: true }\n', {}, /"seeds".*loopback/],
    ['a publicUrl that is not a URL', 'publicUrl: video.example.org\n', {}, /"publicUrl".*not an absolute URL/],
    ['a publicUrl that is not http(s)', 'publicUrl: ftp://video.example.org\n', {}, /"publicUrl".*not an http\(s\) URL/],
    ['a publicUrl with a path', 'publicUrl: https://example.org/video\n', {}, /"publicUrl".*has a path/],
    ['a publicUrl with a query', 'publicUrl: https://example.org/?a=1\n', {}, /"publicUrl".*has a query/],
    ['a publicUrl with a fragment', 'publicUrl: https://example.org#top\n', {}, /"publicUrl".*has a fragment/],
    ['a publicUrl with credentials', 'publicUrl: https://me:pw@example.org\n', {}, /"publicUrl".*credentials/],
    ['a publicUrl whose host is not the host', 'host: a.example\npublicUrl: https://b.example\n', {}, /"publicUrl".*not the config's "host"/],
    ['a trusted proxy that is not an address or CIDR', 'trustedProxies: ["proxy.example"]\n', {}, /"trustedProxies"/],
    ['a trusted proxy CIDR out of range', '', { SWARMTUBE_TRUSTED_PROXIES: '10.0.0.0/33' }, /"trustedProxies"/],
    ['a STUN URL that is not one', 'ice: { stunUrls: ["http://stun.example"] }\n', {}, /"ice.stunUrls"/],
    ['TURN URLs without a secret', 'ice: { turnUrls: ["turn:turn.example:3478"] }\n', {}, /"ice.turnSecret"/],
    ['a credential lifetime of a second', 'ice: { credentialTtlSeconds: 1 }\n', {}, /"ice.credentialTtlSeconds"/],
    ['a boolean as a word in the file', 'signup: maybe\n', {}, /true or false/],
    ['a database that is neither', 'database: mysql://x\n', {}, /sqlite" or a postgres/],
    ['a schema that is not an identifier', 'databaseSchema: "x; drop table events"\n', {}, /identifier/],
  ];
  for (const [what, text, env, message] of hostile) {
    test(`refuses ${what} with a clear message`, () => {
      assert.throws(() => loadPodConfig({ file: text === undefined ? undefined : file(text), env }), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.code, 'config-invalid');
        assert.match(error.message, message);
        return true;
      });
    });
  }

  test('publicUrl: by default http://HOST; given, it is canonical and names the host', () => {
    assert.equal(loadPodConfig({ file: file('host: localhost:9001\n'), env: {} }).publicUrl, 'http://localhost:9001');
    const config = loadPodConfig({ file: file('publicUrl: HTTPS://Video.Example.org:443/\n'), env: {} });
    assert.equal(config.publicUrl, 'https://video.example.org');
    assert.equal(config.host, 'video.example.org');
    const both = loadPodConfig({ file: file('host: video.example.org:8443\n'), env: { SWARMTUBE_PUBLIC_URL: 'https://video.example.org:8443' } });
    assert.equal(both.publicUrl, 'https://video.example.org:8443');
  });

  test('seeds take URLs and bare hosts; trusted proxies and ICE servers are lists', () => {
    const config = loadPodConfig({
      file: file('seeds: ["https://a.example", "b.example:8443"]\ntrustedProxies: [127.0.0.1, "10.0.0.0/8"]\nice: { stunUrls: ["stun:stun.example:3478"], turnUrls: ["turn:turn.example:3478?transport=udp"], turnSecret: "0123456789abcdef0123" }\n'),
      env: {},
    });
    assert.deepEqual(config.seeds, ['https://a.example', 'b.example:8443']);
    assert.deepEqual(config.trustedProxies, ['127.0.0.1', '10.0.0.0/8']);
    assert.deepEqual(config.ice.turnUrls, ['turn:turn.example:3478?transport=udp']);
    assert.equal(config.ice.credentialTtlSeconds, 3600);
  });

  test('a refused TURN secret is never echoed', () => {
    assert.throws(
      () => loadPodConfig({ file: file('ice: { turnSecret: 12345 }\n'), env: {} }),
      (error: unknown) => error instanceof ConfigError && /"ice.turnSecret"/.test(error.message) && !error.message.includes('12345'),
    );
    assert.throws(
      () => loadPodConfig({ file: file('ice: { turnUrls: ["turn:t.example"], turnSecret: "short-secret" }\n'), env: {} }),
      (error: unknown) => error instanceof ConfigError && !error.message.includes('short-secret'),
    );
  });

  test('a missing file is named in the error', () => {
    assert.throws(() => loadPodConfig({ file: '/nonexistent/pod.yaml', env: {} }), /cannot read config file \/nonexistent\/pod.yaml/);
  });
});

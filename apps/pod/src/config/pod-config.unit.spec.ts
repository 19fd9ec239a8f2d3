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
    ['a seed with a path', 'seeds: ["localhost:9002/evil"]\n', {}, /not a host/],
    ['seeds as a string', 'seeds: localhost:9002\n', {}, /list of host/],
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

  test('a missing file is named in the error', () => {
    assert.throws(() => loadPodConfig({ file: '/nonexistent/pod.yaml', env: {} }), /cannot read config file \/nonexistent\/pod.yaml/);
  });
});

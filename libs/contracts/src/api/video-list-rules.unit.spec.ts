import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readEventSchemaFiles } from '../events/event-schema-files.js';
import { ALL_ORIGINS, isVideoSort, originParam, parseOriginParam, VIDEO_SORTS, type OriginFilter } from './video-list-rules.js';

describe('video list rules (pod and site)', () => {
  test('an origin filter goes to the query string and back unchanged', () => {
    const filters: OriginFilter[] = [{ kind: 'local' }, { kind: 'remote' }, { kind: 'host', host: 'peer.example:9002' }, { kind: 'host', host: '[::1]:9001' }];
    for (const filter of filters) assert.deepEqual(parseOriginParam(originParam(filter)!), filter);
    assert.equal(originParam(ALL_ORIGINS), undefined);
  });

  test('hosts are read in lower case; anything not a host[:port] is refused', () => {
    assert.deepEqual(parseOriginParam('Peer.Example:9002'), { kind: 'host', host: 'peer.example:9002' });
    assert.deepEqual(parseOriginParam('LOCAL'), { kind: 'local' });
    for (const bad of ['', 'http://peer.example', 'peer.example:99999', 'a b', 'x'.repeat(262), 'peer.example/path']) {
      assert.equal(parseOriginParam(bad), null, bad);
    }
  });

  test("the host pattern is the event catalogue's", () => {
    const defs = readEventSchemaFiles().common.$defs as Record<string, { pattern: string; maxLength: number }>;
    const pattern = new RegExp(defs.host!.pattern);
    for (const host of ['peer.example:9002', '127.0.0.1', '[::1]:9001', 'a-b.c', '-a.b', 'a.b:0', 'A.b']) {
      assert.equal(parseOriginParam(host)?.kind === 'host', pattern.test(host.toLowerCase()), host);
    }
  });

  test('sorts', () => {
    for (const sort of VIDEO_SORTS) assert.ok(isVideoSort(sort));
    assert.equal(isVideoSort('views'), false);
    assert.equal(isVideoSort(undefined), false);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_COUNT, MAX_START, parseListVideosQuery, VIDEO_SORTS } from './list-videos-query.js';

const problemsOf = (raw: unknown) => {
  const parsed = parseListVideosQuery(raw);
  assert.equal(parsed.ok, false, `expected problems for ${JSON.stringify(raw)}`);
  if (parsed.ok) return [];
  assert.equal(parsed.code, 'invalid-query');
  return parsed.problems;
};

describe('GET /api/v1/videos query', () => {
  test('nothing given: the first page of the newest videos, everywhere', () => {
    assert.deepEqual(parseListVideosQuery({}), { ok: true, query: { start: 0, count: DEFAULT_COUNT, sort: '-publishedAt', origin: { kind: 'all' } } });
    assert.deepEqual(parseListVideosQuery(undefined), parseListVideosQuery({}));
  });

  test('every parameter as a query string sends it', () => {
    assert.deepEqual(parseListVideosQuery({ search: 'big bunny', start: '30', count: '100', sort: '-match', origin: 'Peer.Example:9002', nsfw: 'both' }), {
      ok: true,
      query: { search: 'big bunny', start: 30, count: 100, sort: '-match', origin: { kind: 'host', host: 'peer.example:9002' } },
    });
    for (const origin of ['local', 'remote', 'LOCAL'] as const) {
      const parsed = parseListVideosQuery({ origin });
      assert.ok(parsed.ok);
      assert.deepEqual(parsed.query.origin, { kind: origin.toLowerCase() });
    }
    for (const sort of VIDEO_SORTS) assert.ok(parseListVideosQuery({ sort }).ok, sort);
    const ipv6 = parseListVideosQuery({ origin: '[::1]:9001' });
    assert.ok(ipv6.ok);
    assert.deepEqual(ipv6.query.origin, { kind: 'host', host: '[::1]:9001' });
  });

  test('the search is kept as typed, whatever it holds', () => {
    for (const search of ['', '   ', '"*:-OR NEAR(\'\\', 'x'.repeat(10_240)]) {
      const parsed = parseListVideosQuery({ search });
      assert.ok(parsed.ok);
      assert.equal(parsed.query.search, search);
    }
  });

  test('hostile start and count are refused with the parameter named', () => {
    for (const start of ['-1', '1.5', 'NaN', '1e3', '0x10', ' 1', '', String(MAX_START + 1), '99999999999999999999', -1, 2.5, NaN, Infinity]) {
      assert.deepEqual(problemsOf({ start }), [`start: must be a whole number from 0 to ${MAX_START}`], `start=${String(start)}`);
    }
    for (const count of ['0', '101', '-5', 'ten', '1e2', 0]) {
      assert.deepEqual(problemsOf({ count }), ['count: must be a whole number from 1 to 100'], `count=${String(count)}`);
    }
  });

  test('a parameter given twice or as an object is refused', () => {
    assert.deepEqual(problemsOf({ start: ['0', '10'] }), ['start: must be given once']);
    assert.deepEqual(problemsOf({ search: ['a', 'b'] }), ['search: must be given once']);
    assert.deepEqual(problemsOf({ count: { $gt: '1' } }), ['count: must be a single value']);
    assert.deepEqual(problemsOf({ sort: ['name'] }), ['sort: must be given once']);
  });

  test('an unknown sort or origin is refused; all problems are reported at once', () => {
    assert.match(problemsOf({ sort: 'views' })[0], /^sort: must be one of -publishedAt, publishedAt, name, -name, duration, -duration, relevance, -match$/);
    for (const origin of ['', 'http://peer.example/federation/actor', 'peer example', 'peer.example:99999', 'peer_example', '-peer.example', 'a'.repeat(300)]) {
      assert.deepEqual(problemsOf({ origin }), ['origin: must be local, remote or a pod host[:port]'], `origin=${origin}`);
    }
    assert.equal(problemsOf({ start: '-1', count: '0', sort: 'x', origin: '!' }).length, 4);
  });

  test('a query that is not a set of parameters is refused', () => {
    assert.deepEqual(problemsOf(['start']), ['query: must be a set of parameters']);
    assert.deepEqual(problemsOf('start=1'), ['query: must be a set of parameters']);
  });

  test('inherited properties are not parameters', () => {
    const parsed = parseListVideosQuery(Object.create({ start: '-1', sort: 'bogus' }));
    assert.ok(parsed.ok);
    assert.equal(parsed.query.start, 0);
  });
});

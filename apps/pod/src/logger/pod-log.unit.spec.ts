import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loggedUrl, requestIdOf } from '../http/access-log.js';
import { PodLog } from './pod-log.js';

function capture(level: 'info' | 'debug' = 'info'): { log: PodLog; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { log: PodLog.open({ level, format: 'json' }, { destination: { write: (line: string) => lines.push(JSON.parse(line)) }, pod: 'pod.test' }), lines };
}

describe('PodLog', () => {
  test('a field named like a secret is redacted, at the top, one level down and in headers', () => {
    const { log, lines } = capture();
    log.warn('careless', {
      password: 'p1',
      token: 't1',
      peer: { credential: 'c1', name: 'kept' },
      req: { headers: { authorization: 'Bearer a1', cookie: 'c=1', 'set-cookie': 's=1', signature: 'sig1', host: 'kept.example' } },
      turnSecret: 'ts1',
    });
    const text = JSON.stringify(lines);
    for (const secret of ['p1', 't1', 'c1', 'a1', 'c=1', 's=1', 'sig1', 'ts1']) assert.ok(!text.includes(`"${secret}`) && !text.includes(` ${secret}`), `${secret} redacted: ${text}`);
    assert.equal((lines[0].peer as { name: string }).name, 'kept');
    assert.equal(((lines[0].req as { headers: Record<string, string> }).headers).host, 'kept.example');
    assert.equal(lines[0].password, '[Redacted]');
  });

  test('level names, the pod, a child\'s fields; lines under the level are not written', () => {
    const { log, lines } = capture();
    const child = log.child({ context: 'federation' });
    child.debug('hidden');
    child.log('shown', { peer: 'https://b.example/federation/actor' });
    assert.equal(lines.length, 1);
    assert.deepEqual([lines[0].level, lines[0].pod, lines[0].context, lines[0].msg, lines[0].peer], ['info', 'pod.test', 'federation', 'shown', 'https://b.example/federation/actor']);
  });

  test('an error in `err` is serialized with its type, message and stack', () => {
    const { log, lines } = capture();
    log.error('failed', { err: new TypeError('boom') });
    const err = lines[0].err as { type: string; message: string; stack: string };
    assert.deepEqual([err.type, err.message], ['TypeError', 'boom']);
    assert.match(err.stack, /TypeError: boom/);
  });
});

describe('access log helpers', () => {
  test('loggedUrl: secret-looking query values are redacted, the rest kept, the length bounded', () => {
    assert.equal(loggedUrl('/api/v1/videos?search=cats&count=2'), '/api/v1/videos?search=cats&count=2');
    assert.equal(loggedUrl('/x?access_token=abc&Password=p&api%5Fkey=k&sig=1&signature=s'), '/x?access_token=[Redacted]&Password=[Redacted]&api%5Fkey=[Redacted]&sig=1&signature=[Redacted]');
    assert.equal(loggedUrl('/tracker/announce?info_hash=%01&key=secretkey&peer_id=p'), '/tracker/announce?info_hash=%01&key=[Redacted]&peer_id=p');
    assert.equal(loggedUrl('/x?%E0%A4%A=1&token'), '/x?%E0%A4%A=1&token');
    assert.equal(loggedUrl(`/${'a'.repeat(5000)}`).length, 1000);
  });

  test('requestIdOf: a short token is kept; anything else becomes a UUID', () => {
    const of = (value?: string | string[]) => requestIdOf({ headers: value === undefined ? {} : { 'x-request-id': value } } as never);
    assert.equal(of('abc-123_X.y:z'), 'abc-123_X.y:z');
    assert.equal(of(['first', 'second']), 'first');
    for (const bad of [undefined, '', ' a', 'a b', 'a\u00e9', '-leading', 'x'.repeat(129), '{"level":"fatal"}']) assert.match(of(bad), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, String(bad));
  });
});

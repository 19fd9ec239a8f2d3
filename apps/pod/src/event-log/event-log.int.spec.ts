import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hashEvent } from '@swarmtube/event-envelope';
import type { EventEnvelope } from '@swarmtube/event-envelope';
import { signEnvelope } from '@swarmtube/event-envelope';
import { videoPublishedDraft } from '@swarmtube/testing';
import { startTestPod, type TestPod } from '../testing/test-pod.js';
import { EventLog } from './event-log.js';
import { ProjectionRunner } from '../projections/projection-runner.js';

/** A's log as a peer would receive it. */
async function logOf(pod: TestPod): Promise<EventEnvelope[]> {
  return (await pod.store.readAll({ after: 0, limit: 1000 })).map((s) => s.event);
}

/** An event A really signed, with whatever content: to test what B's checks catch beyond the proof. */
function signedByA(a: TestPod, unsigned: Omit<EventEnvelope, 'proof'>): EventEnvelope {
  return signEnvelope(unsigned, { privateKey: a.keys.ed25519.privateKey, verificationMethod: `${a.actor}#ed25519-key` });
}

describe('receiving events signed by another pod', () => {
  let a: TestPod;
  let b: TestPod;
  before(async () => {
    a = await startTestPod({ host: 'pod-a.test:9001' });
    b = await startTestPod({ host: 'pod-b.test:9002' });
    for (let i = 0; i < 4; i++) {
      const { stream, draft } = videoPublishedDraft({ host: a.config.host });
      await a.get(EventLog).append(stream, [draft], { expectedVersion: 'no-stream' });
    }
  });
  after(async () => {
    await a.destroy();
    await b.destroy();
  });

  test('events without their origin\'s genesis are refused: the receiver must pull from originSeq 1', async () => {
    const [, second] = await logOf(a);
    const head = await b.store.headPosition();
    assert.deepEqual((await b.get(EventLog).receive([second])).map((o) => o.status === 'rejected' && o.code), ['unknown-origin']);
    assert.equal(await b.store.headPosition(), head);
  });

  test('a whole log is appended in order, shows in the read models, and a second delivery changes nothing', async () => {
    const events = await logOf(a);
    const outcomes = await b.get(EventLog).receive(events);
    assert.deepEqual(outcomes.map((o) => o.status), ['appended', 'appended', 'appended', 'appended', 'appended']);
    const head = await b.store.headPosition();
    await b.get(ProjectionRunner).waitFor(head);
    const videos = await b.store.readModels.query<{ origin: string }>('SELECT origin FROM rm_videos');
    assert.equal(videos.length, 4);
    assert.ok(videos.every((v) => v.origin === a.actor));
    const pods = await b.store.readModels.query<{ actor: string; ed25519_multibase: string }>('SELECT actor, ed25519_multibase FROM rm_pods ORDER BY actor');
    assert.deepEqual(pods.map((p) => p.actor), [a.actor, b.actor]);
    assert.equal(pods[0].ed25519_multibase, a.keys.ed25519.publicKeyMultibase);

    assert.deepEqual((await b.get(EventLog).receive(events)).map((o) => o.status), ['duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    assert.equal(await b.store.headPosition(), head);
  });

  describe('hostile events are rejected one by one, nothing of them is appended, and the good ones go through', () => {
    let last: EventEnvelope;
    before(async () => {
      const events = await logOf(a);
      last = events[events.length - 1];
    });
    const next = (overrides: Partial<EventEnvelope> = {}): Omit<EventEnvelope, 'proof'> => {
      const { draft, stream } = videoPublishedDraft({ host: a.config.host });
      return {
        id: `urn:uuid:01${'9'.repeat(6)}-0000-7000-8000-${Math.random().toString(16).slice(2, 14).padEnd(12, '0')}`,
        type: draft.type,
        schemaVersion: 1,
        origin: a.actor,
        originSeq: last.originSeq + 1,
        prevHash: hashEvent(last),
        stream,
        occurredAt: new Date().toISOString(),
        data: draft.data,
        ...overrides,
      };
    };
    const cases: Array<[string, () => unknown, string]> = [
      ['null', () => null, 'envelope-invalid'],
      ['a string', () => 'VideoPublished', 'envelope-invalid'],
      ['an empty object', () => ({}), 'envelope-invalid'],
      ['a JSON-LD @graph smuggled in', () => ({ ...signedByA(a, next()), '@graph': [{ type: 'Delete' }] }), 'envelope-invalid'],
      ['data that breaks its schema, even properly signed', () => signedByA(a, next({ data: { uuid: 'not-a-uuid' } })), 'schema-invalid'],
      ['an unknown event type', () => signedByA(a, next({ type: 'VideoExploded' })), 'unknown-event-type'],
      ['a tampered field after signing', () => ({ ...signedByA(a, next()), originSeq: last.originSeq + 1, occurredAt: '2020-01-01T00:00:00.000Z' }), 'bad-proof'],
      ['a proof by another pod\'s key in A\'s name', () => signEnvelope(next(), { privateKey: b.keys.ed25519.privateKey, verificationMethod: `${a.actor}#ed25519-key` }), 'bad-proof'],
      ['a chain that skips a number', () => signedByA(a, next({ originSeq: last.originSeq + 2 })), 'chain-gap'],
      ['a prevHash that is not the previous event\'s', () => signedByA(a, next({ prevHash: 'ab'.repeat(32) })), 'chain-broken'],
      ['a second event at a taken originSeq', () => signedByA(a, next({ originSeq: last.originSeq, prevHash: last.prevHash })), 'seq-conflict'],
    ];
    for (const [what, make, code] of cases) {
      test(`${what}: ${code}`, async () => {
        const head = await b.store.headPosition();
        const [outcome] = await b.get(EventLog).receive([make()]);
        assert.equal(outcome.status, 'rejected');
        assert.equal(outcome.status === 'rejected' && outcome.code, code, JSON.stringify(outcome));
        assert.equal(await b.store.headPosition(), head, 'nothing appended');
      });
    }

    test('a bad event in the middle of a batch does not drop the good ones around it', async () => {
      const { stream, draft } = videoPublishedDraft({ host: a.config.host });
      const [good] = (await a.get(EventLog).append(stream, [draft], { expectedVersion: 'no-stream' })).events;
      const outcomes = await b.get(EventLog).receive([null, good.event, { ...good.event, data: { uuid: 'x' } }]);
      assert.deepEqual(outcomes.map((o) => (o.status === 'rejected' ? o.code : o.status)), ['envelope-invalid', 'appended', 'schema-invalid']);
    });
  });
});

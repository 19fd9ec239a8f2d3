import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { videoPublishedDraft, videoUpdatedDraft } from '@swarmtube/testing';
import { waitUntil } from '@swarmtube/testing';
import { startTestPod, type TestPod } from '../../testing/test-pod.js';
import type { PeerDirectory } from '../peer-directory.js';
import type { DeliveryAttempted } from './delivery-attempted.event.js';
import { DeliveryService } from './delivery-service.js';
import { FederationClient } from '../federation-client.js';
import { EventLog } from '../../event-log/event-log.js';
import { PodLog } from '../../logger/pod-log.js';
import { ProjectionRunner } from '../../projections/projection-runner.js';

/**
 * A friend whose inbox takes less than the protocol's 1 MiB (a stricter proxy in front of it:
 * 300 KB here) refuses the first batches with 413. Push never sends a refused body again: it
 * halves what it sends that friend and goes on at once, and every event arrives, in order. The
 * pod's store, its federation client and a real HTTP inbox on loopback; the friends list is
 * given (one friend, the inbox below).
 */
describe('push to an inbox that takes less than 1 MiB: split, then continue', () => {
  const LIMIT = 300_000;
  let pod: TestPod;
  let server: Server;
  let friend: string;
  let delivery: DeliveryService;
  const bodies: string[] = [];
  const refused: number[] = [];
  const received: number[] = [];

  before(async () => {
    pod = await startTestPod();
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks);
        bodies.push(createHash('sha256').update(body).digest('hex'));
        if (body.length > LIMIT) {
          refused.push(body.length);
          response.writeHead(413, { 'content-type': 'application/problem+json' });
          response.end(JSON.stringify({ code: 'payload-too-large', status: 413 }));
          return;
        }
        const { items } = JSON.parse(body.toString('utf8')) as { items: Array<{ events: Array<{ originSeq: number }> }> };
        for (const item of items) received.push(...item.events.map((e) => e.originSeq));
        response.writeHead(202, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ accepted: items.length, duplicates: 0, rejected: [] }));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    friend = `http://127.0.0.1:${(server.address() as { port: number }).port}/federation/actor`;
  }, { timeout: 60_000 });
  after(async () => {
    await delivery?.stop();
    server?.close();
    await pod?.destroy();
  }, { timeout: 30_000 });

  test('30 activities of ~62 KB (10,000-character CJK descriptions) all arrive, in order, and no refused body is sent twice', { timeout: 120_000 }, async () => {
    const { stream, draft } = videoPublishedDraft({ host: pod.config.host });
    const uuid = (draft.data as { uuid: string }).uuid;
    const edits = Array.from({ length: 30 }, (_, i) => videoUpdatedDraft(uuid, { description: `${i} `.padEnd(10_000, '视') }));
    await pod.get(EventLog).append(stream, [draft, ...edits], { expectedVersion: 'any' });
    const head = (await pod.store.originHead(pod.actor))!.seq;

    const peers = { deliveryTargets: async () => [{ actor: friend, untilSeq: null }] } as unknown as PeerDirectory;
    const failures: unknown[] = [];
    const outcomes = {
      publish: ({ outcome }: DeliveryAttempted) => {
        if (!outcome.ok) failures.push(outcome.error);
      },
    };
    delivery = new DeliveryService(pod.store, pod.store.readModels, pod.get(ProjectionRunner), peers, pod.get(FederationClient), pod.actor, PodLog.silent(), outcomes);
    await delivery.start();
    const cursor = () => delivery.peerStates().find((s) => s.actor === friend)?.ackedSeq;
    await waitUntil("the friend's cursor to reach the head", async () => (cursor() === head ? true : undefined), 60_000);

    assert.deepEqual(received, Array.from({ length: head }, (_, i) => i + 1), 'every event once, in order');
    assert.equal(new Set(bodies).size, bodies.length, 'no body was sent twice');
    assert.ok(refused.length >= 1 && refused.length <= 4, `${refused.length} refusals (${refused.join(', ')} bytes) before the batches fit`);
    assert.deepEqual(failures, [], 'a refusal for size is not a failure of the friend (no backoff, no health penalty)');
    const state = delivery.peerStates().find((s) => s.actor === friend)!;
    assert.ok(state.maxBytes <= LIMIT, `now at most ${state.maxBytes} bytes per request`);
  });
});

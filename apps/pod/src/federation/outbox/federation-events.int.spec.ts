import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MAX_EVENT_BYTES, MAX_PULL_ANSWER_BYTES } from '../../../../../libs/contracts/src/federation/federation-limits.js';
import { videoPublishedDraft, videoUpdatedDraft } from '../../../../../libs/testing/src/event-fixtures.js';
import { startTestPod, type TestPod } from '../../../../../libs/testing/src/test-pod.js';

/**
 * GET /federation/events cuts its pages by bytes: at most `maxBytes` of answer, at least one
 * event, in order, `next` the last one's originSeq; hostile `maxBytes` values are refused.
 */
describe('GET /federation/events: pages cut by their encoded size', () => {
  let pod: TestPod;
  let url: (query: string) => string;
  let ownEvents = 0;

  before(async () => {
    pod = await startTestPod({ http: true });
    const { stream, draft } = videoPublishedDraft({ host: pod.config.host });
    const uuid = (draft.data as { uuid: string }).uuid;
    // 40 edits of ~30 KB: about 1.2 MB of events.
    const edits = Array.from({ length: 40 }, (_, i) => videoUpdatedDraft(uuid, { description: `${i} `.padEnd(10_000, '视') }));
    await pod.runtime.eventLog.append(stream, [draft, ...edits], { expectedVersion: 'any' });
    ownEvents = (await pod.runtime.store.originHead(pod.runtime.actor))!.seq;
    url = (query) => `${pod.baseUrl}/federation/events?origin=${encodeURIComponent(pod.runtime.actor)}&${query}`;
  }, { timeout: 60_000 });
  after(() => pod?.destroy(), { timeout: 30_000 });

  async function page(query: string): Promise<{ bytes: number; events: Array<{ originSeq: number }>; next: number }> {
    const response = await fetch(url(query));
    assert.equal(response.status, 200);
    const text = await response.text();
    const parsed = JSON.parse(text) as { events: Array<{ originSeq: number }>; next: number };
    return { bytes: Buffer.byteLength(text), ...parsed };
  }

  test('by default, as much as 8 MiB holds: every event in one page', async () => {
    const all = await page('after=0&limit=500');
    assert.equal(all.events.length, ownEvents);
    assert.ok(all.bytes > 1_000_000 && all.bytes <= MAX_PULL_ANSWER_BYTES, `${all.bytes} bytes`);
  });

  test('with maxBytes at its minimum, each page stays under it, and the pages together hold every event once, in order', async () => {
    const seqs: number[] = [];
    let pages = 0;
    for (let after = 0; ; pages++) {
      const next = await page(`after=${after}&limit=500&maxBytes=${MAX_EVENT_BYTES}`);
      if (next.events.length === 0) break;
      assert.ok(next.bytes <= MAX_EVENT_BYTES, `page ${pages}: ${next.bytes} bytes`);
      assert.equal(next.next, next.events.at(-1)!.originSeq);
      seqs.push(...next.events.map((e) => e.originSeq));
      after = next.next;
    }
    assert.deepEqual(seqs, Array.from({ length: ownEvents }, (_, i) => i + 1));
    assert.ok(pages >= 3, `${pages} pages for ~1.2 MB under ${MAX_EVENT_BYTES} bytes each`);
  });

  test('limit still counts: one event per page when asked', async () => {
    const one = await page('after=3&limit=1');
    assert.deepEqual(one.events.map((e) => e.originSeq), [4]);
    assert.equal(one.next, 4);
  });

  test('hostile maxBytes and limit: 400 invalid-query', async () => {
    for (const query of ['maxBytes=0', 'maxBytes=-1', 'maxBytes=abc', `maxBytes=${MAX_EVENT_BYTES - 1}`, `maxBytes=${MAX_PULL_ANSWER_BYTES + 1}`, 'maxBytes=1e12', 'maxBytes=1&maxBytes=2', 'limit=0', 'limit=501']) {
      const response = await fetch(url(`after=0&${query}`));
      const body = (await response.json()) as { code?: string };
      assert.equal(response.status, 400, query);
      assert.equal(body.code, 'invalid-query', query);
      assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/, query);
    }
  });
});

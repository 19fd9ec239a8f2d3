import assert from 'node:assert/strict';
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { videoPublishedDraft } from '@swarmtube/testing';
import { h264AacMp4Faststart } from '@swarmtube/testing';
import { peerTubeVerdict } from '@swarmtube/testing';
import { waitUntil } from '@swarmtube/testing';
import { createTestSealer, sealChain } from '@swarmtube/testing';
import { startTestPod, type TestPod } from '../../testing/test-pod.js';

/**
 * A video's id, dereferenced as an ActivityPub reader does: GET /videos/watch/{uuid} with an
 * ActivityPub Accept header, on a pod that published a real video (a 320x240, 25 fps MP4), then
 * renamed and deleted it. Browsers still get the site at the same URL.
 */

const PEERTUBE_ACCEPT = 'application/activity+json, application/ld+json';
const MASTODON_ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams", text/html;q=0.1';
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

async function get(url: string, accept: string) {
  const response = await fetch(url, { headers: { accept }, redirect: 'manual' });
  const text = await response.text();
  const type = response.headers.get('content-type')?.split(';')[0] ?? '';
  return { status: response.status, type, vary: response.headers.get('vary') ?? '', text, json: /json/.test(type) ? JSON.parse(text) : null };
}

describe('GET /videos/watch/{uuid} as ActivityPub', () => {
  let pod: TestPod;
  let token: string;
  let uuid: string;
  let id: string;

  before(async () => {
    pod = await startTestPod({ http: true, reachableHost: true });
    token = await pod.adminToken();
    const form = new FormData();
    form.set('name', 'Test card at dawn');
    form.set('description', 'Colour bars and a tone.');
    form.append('tags', 'test');
    const file = await h264AacMp4Faststart();
    form.set('videofile', await openAsBlob(file, { type: 'video/mp4' }), basename(file));
    const sent = await fetch(`${pod.baseUrl}/api/v1/videos/upload`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    assert.equal(sent.status, 201);
    uuid = ((await sent.json()) as { uuid: string }).uuid;
    await waitUntil('the video to be published', async () => {
      const video = (await (await fetch(`${pod.baseUrl}/api/v1/videos/${uuid}`)).json()) as { state: string };
      assert.notEqual(video.state, 'failed');
      return video.state === 'published' ? true : undefined;
    }, 60_000, 50);
    id = `http://${pod.config.host}/videos/watch/${uuid}`;
  });
  after(() => pod?.destroy());

  test('the Video object is served at its id, as activity+json, with the sizes the origin reads from its files', async () => {
    for (const accept of [PEERTUBE_ACCEPT, MASTODON_ACCEPT, 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"']) {
      const response = await get(id, accept);
      assert.equal(response.status, 200, accept);
      assert.equal(response.type, 'application/activity+json', accept);
      assert.match(response.vary, /accept/i, 'caches keep the site and the object apart');
      const video = response.json;
      assert.equal(video.id, id, 'the object is at its id');
      assert.ok(Array.isArray(video['@context']) && video['@context'][0] === 'https://www.w3.org/ns/activitystreams');
      assert.deepEqual([video.type, video.uuid, video.name, video.duration, video.content], ['Video', uuid, 'Test card at dawn', 'PT2S', 'Colour bars and a tone.']);
      assert.deepEqual(video.tag, [{ type: 'Hashtag', name: 'test' }]);
      // The thumbnail is 640 wide at the picture's aspect ratio.
      assert.deepEqual([video.icon[0].width, video.icon[0].height], [640, 480]);
      const file = video.url.find((l: any) => l.mediaType === 'video/mp4');
      for (const link of [file, ...video.url.filter((l: any) => /bittorrent/.test(l.mediaType))]) {
        assert.deepEqual([link.height, link.width, link.fps], [240, 320, 25], link.mediaType);
      }
      assert.equal(file.size, (await (await fetch(file.href)).arrayBuffer()).byteLength, 'the size of the file served');
      // KNOWN GAP: the pod's Application is neither a channel nor an account (docs/protocol.md).
      assert.equal(peerTubeVerdict(video).refused, 'attributedTo');
    }
  });

  test('a browser gets the site at the same URL', async () => {
    for (const accept of [BROWSER_ACCEPT, '*/*']) {
      const response = await get(id, accept);
      assert.equal(response.status, 200, accept);
      assert.equal(response.type, 'text/html', accept);
      assert.match(response.text, /<div id="app">/);
    }
  });

  test('unknown, malformed or over-long ids, and Accept headers that take neither, are problem+json', async () => {
    const cases: Array<[path: string, accept: string, status: number, code: string]> = [
      [`/videos/watch/${crypto.randomUUID()}`, PEERTUBE_ACCEPT, 404, 'not-found'],
      ['/videos/watch/not-a-uuid', PEERTUBE_ACCEPT, 404, 'not-found'],
      [`/videos/watch/${uuid}%00`, PEERTUBE_ACCEPT, 404, 'not-found'],
      [`/videos/watch/${'%2e%2e%2f'.repeat(20)}etc`, PEERTUBE_ACCEPT, 404, 'not-found'],
      [`/videos/watch/${'a'.repeat(8000)}`, PEERTUBE_ACCEPT, 404, 'not-found'],
      [`/videos/watch/${uuid}/comments`, PEERTUBE_ACCEPT, 404, 'not-found'],
      [`/videos/watch/${uuid}`, 'application/json', 406, 'not-acceptable'],
    ];
    for (const [path, accept, status, code] of cases) {
      const response = await get(`${pod.baseUrl}${path}`, accept);
      assert.equal(response.status, status, path.slice(0, 80));
      assert.equal(response.type, 'application/problem+json', path.slice(0, 80));
      assert.equal(response.json.code, code, path.slice(0, 80));
    }
  });

  test("another pod's video is not this pod's to serve: a 404 that names its id", async () => {
    const sealer = createTestSealer('http://elsewhere.test:9009/federation/actor');
    const { stream, draft } = videoPublishedDraft({ host: 'elsewhere.test:9009' });
    const outcomes = await pod.store.appendForeign(sealChain(sealer, [{ stream, type: 'VideoPublished', data: draft.data }]));
    assert.equal(outcomes[0].status, 'appended');
    const theirs = (draft.data as { uuid: string }).uuid;
    const response = await get(`${pod.baseUrl}/videos/watch/${theirs}`, PEERTUBE_ACCEPT);
    assert.equal(response.status, 404);
    assert.equal(response.json.code, 'not-found');
    assert.ok(response.json.detail.includes(`http://elsewhere.test:9009/videos/watch/${theirs}`));
  });

  test('after an edit the object is the current video, and the outbox Update carries it whole; after deletion, 410 and a Tombstone', async () => {
    const put = await fetch(`${pod.baseUrl}/api/v1/videos/${uuid}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Test card at noon' }),
    });
    assert.equal(put.status, 204);
    const edited = (await get(id, PEERTUBE_ACCEPT)).json;
    assert.equal(edited.name, 'Test card at noon');
    assert.equal(edited.content, 'Colour bars and a tone.', 'what the edit left alone stays');
    assert.ok(Date.parse(edited.updated) > Date.parse(edited.published));

    const outbox = (await get(`${pod.baseUrl}/federation/outbox?page=1`, PEERTUBE_ACCEPT)).json;
    const [update, create] = outbox.orderedItems.filter((a: any) => a.object?.uuid === uuid);
    assert.deepEqual([update.type, create.type], ['Update', 'Create']);
    assert.deepEqual(update.object, withoutContext(edited), 'the Update carries the whole Video, as served at its id');
    assert.equal(update.events[0].type, 'VideoUpdated', 'and its signed event, as before');
    assert.equal(create.object.name, 'Test card at dawn', 'the Create, the Video as published');
    assert.equal(peerTubeVerdict(update.object).refused, 'attributedTo');

    const deleted = await fetch(`${pod.baseUrl}/api/v1/videos/${uuid}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    assert.equal(deleted.status, 204);
    const gone = await get(id, MASTODON_ACCEPT);
    assert.equal(gone.status, 410);
    assert.equal(gone.type, 'application/activity+json');
    assert.deepEqual(withoutContext(gone.json), { type: 'Tombstone', id, formerType: 'Video', deleted: gone.json.deleted });
    assert.ok(!Number.isNaN(Date.parse(gone.json.deleted)));
    // The site still answers browsers (its page says the video is gone).
    assert.equal((await get(id, BROWSER_ACCEPT)).status, 200);
  });
});

function withoutContext(document: Record<string, unknown>): Record<string, unknown> {
  const { '@context': _context, ...rest } = document;
  return rest;
}

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { v7 as uuidv7 } from 'uuid';
import type { Browser } from 'playwright-core';
import type { EventEnvelope } from '@swarmtube/event-envelope';
import { ed25519KeyId, hashEvent, loadOrCreatePodKeys, signEnvelope, type PodKeys } from '@swarmtube/event-envelope';
import { signRequest } from '@swarmtube/http-signatures';
import { createPodProcess, freePort, HAS_ARIA2, peersOnlyTorrent, runAria2, swarmSizedMp4, tempDir, waitUntil, type Aria2Run, type PodProcess } from '@swarmtube/testing';
import { bdecode, type Decoded } from '@swarmtube/torrent';
import { deliveryBody } from '../apps/pod/src/federation/activities.js';
import { HAS_CHROMIUM, inPage, launchChromium, openPage, waitInPage, type WatchedPage } from './support/browser.js';
import { assertSameAudits, cleanUp, formNetwork, originHeads, quiescent } from './support/network.js';
import { getVideo, uploadVideo, waitForState, type VideoView } from './support/videos.js';

/**
 * Mirrors (issue #11, items 4 and 5) on a network of three real pod processes: pod 2 mirrors
 * pod 3's videos, one by its policy (then kept by its admin's choice), one by its admin's choice
 * alone, each fetched through the swarm, checked against its info-hash, seeded, tracked and served
 * as a web seed, its thumbnail kept beside it. Pod 3 deletes one: pod 2 drops it, thumbnail included. Forged `VideoMirrored` events change nothing.
 * Pod 3 is killed: pod 1's site shows the video as served by mirrors, with pod 2's copy of its
 * thumbnail, and Chromium plays it to the end from pod 2; aria2c downloads it through pod 2's tracker from pod 2's seeder; pod 2 restarts and
 * seeds its copy again; pod 1's admin mirrors the video from pod 2 while pod 3 is down. Pod 3 comes
 * back and catches up. The audits pass and the read models are the same on the three pods.
 *
 * No automatic votes: pod 3 down must not be expelled here (expulsion hides videos, as before).
 * Probes every 200 ms, so that pod 1 sees pod 3 unreachable within a second.
 */
const COMMON = {
  SWARMTUBE_HEALTH_PROBE_INTERVAL_SECONDS: '0.2',
  SWARMTUBE_HEALTH_AUTO_VOTE: 'false',
  SWARMTUBE_FEDERATION_PULL_INTERVAL_SECONDS: '1',
  SWARMTUBE_MIRRORS_INTERVAL_SECONDS: '0.5',
};

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function mirrorRequest(pod: PodProcess, method: 'POST' | 'DELETE', uuid: string, token?: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${pod.baseUrl}/api/v1/videos/${uuid}/mirror`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, ...(response.headers.get('content-type')?.startsWith('application/problem+json') ? { problem: true } : {}) };
}

/** complete and incomplete peers of one torrent on a pod's tracker (HTTP scrape), or null when the tracker refuses it. */
async function scrape(pod: PodProcess, infoHash: string): Promise<{ complete: number; incomplete: number } | null> {
  const encoded = [...Buffer.from(infoHash, 'hex')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  const decoded = bdecode(new Uint8Array(await (await fetch(`${pod.baseUrl}/tracker/scrape?info_hash=${encoded}`)).arrayBuffer()));
  if (!decoded.ok || !(decoded.value instanceof Map)) return null;
  const files = (decoded.value as Map<string, Decoded>).get('files') as Map<string, Decoded> | undefined;
  const [entry] = files ? ([...files.values()] as Array<Map<string, Decoded>>) : [];
  return entry ? { complete: Number(entry.get('complete')), incomplete: Number(entry.get('incomplete')) } : null;
}

async function announceRefused(pod: PodProcess, infoHash: string): Promise<boolean> {
  const encoded = [...Buffer.from(infoHash, 'hex')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  const answer = await fetch(`${pod.baseUrl}/tracker/announce?info_hash=${encoded}&peer_id=-ST0001-abcdefghijkl&port=6881&uploaded=0&downloaded=0&left=1&compact=1`);
  return /failure reason/.test(Buffer.from(await answer.arrayBuffer()).toString('latin1'));
}

/** A request signed with a pod's RSA key (read from its data folder). */
async function signedFetch(url: string, actor: string, keys: PodKeys, body: unknown): Promise<Response> {
  const text = JSON.stringify(body);
  const s = signRequest({ method: 'POST', url, body: text, keyId: `${actor}#main-key`, privateKey: keys.rsa.privateKey });
  const headers: Record<string, string> = { date: s.Date, host: s.Host, signature: s.Signature, accept: 'application/json', 'content-type': 'application/activity+json' };
  if (s.Digest) headers.digest = s.Digest;
  return fetch(url, { method: 'POST', headers, body: text });
}

/** The mirror events a pod signed, with their data. */
async function mirrorEventsOf(pod: PodProcess): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
  const own = await readOrigin(pod, `http://${pod.host}/federation/actor`, 0);
  return own.filter((e) => e.type === 'VideoMirrored' || e.type === 'VideoUnmirrored').map((e) => ({ type: e.type, data: e.data as Record<string, unknown> }));
}

async function readOrigin(pod: PodProcess, origin: string, after: number): Promise<EventEnvelope[]> {
  const answer = (await (await fetch(`${pod.baseUrl}/federation/events?origin=${encodeURIComponent(origin)}&after=${after}&limit=500`)).json()) as { events: EventEnvelope[] };
  return answer.events;
}

describe('mirrors: a pod down is not a video gone', { skip: !HAS_ARIA2 ? 'aria2c is not installed' : !HAS_CHROMIUM ? 'no Chromium' : false }, () => {
  let pods: PodProcess[] = [];
  let one: PodProcess;
  let two: PodProcess;
  let three: PodProcess;
  let stranger: PodProcess | undefined;
  let twoPeerPort = 0;
  const work = tempDir('swarmtube-mirrors-e2e-');
  let source = '';
  let original: Buffer;
  /** Pod 3's thumbnail of the first video, as pod 3 served it. */
  let originThumbnail: Buffer;
  let byPolicy: VideoView;
  let byAdmin: VideoView;
  let browser: Browser | undefined;
  const pages: WatchedPage[] = [];
  const clients: Aria2Run[] = [];
  const actor = (pod: PodProcess) => `http://${pod.host}/federation/actor`;

  /** Pod 2's mirror of a video, as pod 1's API shows it. */
  const mirroredOnOne = async (uuid: string) => (await getVideo(one, uuid)).mirrors.find((m) => m.host === two.host);

  before(async () => {
    source = await swarmSizedMp4({ seconds: 8 });
    original = readFileSync(source);
    const size = statSync(source).size;
    twoPeerPort = await freePort();
    pods = [
      await createPodProcess({ name: 'Mirrors 1', driven: true, env: COMMON }),
      // Room for one video by policy: the second one an admin asks for.
      await createPodProcess({
        name: 'Mirrors 2',
        driven: true,
        env: { ...COMMON, SWARMTUBE_PEER_PORT: String(twoPeerPort), SWARMTUBE_MIRRORS_ENABLED: 'true', SWARMTUBE_MIRRORS_BUDGET_BYTES: String(Math.floor(size * 1.5)) },
      }),
      await createPodProcess({ name: 'Mirrors 3', driven: true, env: COMMON }),
    ];
    [one, two, three] = pods;
    await Promise.all(pods.map((pod) => pod.start()));
    await formNetwork(pods);
  });

  after(async () => {
    await Promise.all(clients.map((client) => client.stop()));
    for (const page of pages) await page.page.close().catch(() => undefined);
    await browser?.close();
    await cleanUp(stranger ? [...pods, stranger] : pods);
    work.remove();
  });

  test('pod 3 publishes a video: pod 2 mirrors it by its policy, and every pod shows pod 2 as a mirror', { timeout: 120_000 }, async () => {
    const { uuid } = await uploadVideo(three, await three.adminToken(), source, { name: 'Mirrored by policy', description: 'Kept alive by a friend.', tags: ['mirror'] });
    byPolicy = await waitForState(three, uuid, 'published');
    const mirror = await waitUntil('pod 1 to show pod 2 as a mirror', () => mirroredOnOne(uuid), 60_000, 200);
    assert.equal(mirror.torrentUrl, `${two.baseUrl}/static/torrents/${uuid}.torrent`);
    assert.equal(mirror.reachable, true);
    const copy = Buffer.from(await (await fetch(mirror.webSeedUrls[0]!)).arrayBuffer());
    assert.equal(sha256(copy), sha256(original), "pod 2's web seed serves the same bytes");
    // The thumbnail is fetched before VideoMirrored: whoever learns of the copy finds it.
    originThumbnail = Buffer.from(await (await fetch(byPolicy.thumbnailUrl)).arrayBuffer());
    assert.equal(mirror.thumbnailUrl, `${two.baseUrl}/static/thumbnails/${uuid}.jpg`);
    const thumbnail = await fetch(mirror.thumbnailUrl);
    assert.equal(thumbnail.status, 200);
    assert.equal(thumbnail.headers.get('content-type'), 'image/jpeg');
    assert.equal(sha256(Buffer.from(await thumbnail.arrayBuffer())), sha256(originThumbnail), "pod 2's thumbnail is pod 3's");
    await quiescent(pods);
    for (const pod of pods) {
      const view = await getVideo(pod, uuid);
      assert.equal(view.infoHash, byPolicy.infoHash);
      assert.deepEqual(view.mirrors.map((m) => m.host), [two.host], `${pod.name} lists pod 2 as the mirror`);
      assert.equal(view.originReachable, true);
      assert.equal(view.servedByMirrors, false);
      assert.ok(view.webSeedUrls.includes(mirror.webSeedUrls[0]!), `${pod.name}: the web seeds include pod 2's`);
      assert.ok(view.trackerUrls.includes(`ws://${two.host}/tracker/socket`), `${pod.name}: the trackers include pod 2's`);
      assert.ok(view.magnetUri.includes(`tr=${encodeURIComponent(`ws://${two.host}/tracker/socket`)}`), `${pod.name}: the magnet announces to pod 2 too`);
      assert.equal(view.torrentUrls[0], byPolicy.torrentUrl, 'the origin first while it answers');
      assert.deepEqual(view.thumbnailUrls, [byPolicy.thumbnailUrl, mirror.thumbnailUrl], `${pod.name}: the origin's thumbnail first, then pod 2's`);
    }
    // Pod 2's .torrent has the same info-hash with pod 2's trackers and web seed added.
    const torrent = bdecode(new Uint8Array(await (await fetch(mirror.torrentUrl)).arrayBuffer()));
    assert.ok(torrent.ok && torrent.value instanceof Map);
    const urlList = ((torrent.value as Map<string, Decoded>).get('url-list') as Buffer[]).map(String);
    assert.deepEqual(urlList, [mirror.webSeedUrls[0], byPolicy.webSeedUrls[0]]);
    // Tracked and seeded on pod 2: its tracker answers for the info-hash and knows its seeder.
    await waitUntil("pod 2's seeder on pod 2's tracker", async () => ((await scrape(two, byPolicy.infoHash))?.complete ?? 0) >= 1 || undefined, 30_000, 200);
    const events = await mirrorEventsOf(two);
    assert.deepEqual(events.map((e) => [e.type, e.data.uuid, e.data.videoOrigin, e.data.infoHash]), [['VideoMirrored', uuid, actor(three), byPolicy.infoHash]]);
  });

  test('hostile requests to the mirror endpoints get problem+json codes and change nothing', { timeout: 60_000 }, async () => {
    const token = await two.adminToken();
    const headsBefore = await originHeads(two);
    const viewBefore = await getVideo(one, byPolicy.uuid);
    const cases: Array<[string, PodProcess, 'POST' | 'DELETE', string, string | undefined, number, string]> = [
      ['no token', two, 'POST', byPolicy.uuid, undefined, 401, 'unauthorized'],
      ['a bad token', two, 'DELETE', byPolicy.uuid, 'not-a-token', 401, 'unauthorized'],
      ['an unknown video', two, 'POST', '0190f0a4-5b1c-7cc0-8a37-2f9b1f0e3c99', token, 404, 'not-found'],
      ['not a uuid', two, 'POST', 'not-a-uuid', token, 404, 'not-found'],
      ['a path trick', two, 'DELETE', '..%2F..%2Fetc', token, 404, 'not-found'],
      ["the pod's own video", three, 'POST', byPolicy.uuid, await three.adminToken(), 422, 'own-video'],
      ['a video this pod does not mirror', one, 'DELETE', byPolicy.uuid, await one.adminToken(), 409, 'not-mirrored'],
    ];
    for (const [what, pod, method, uuid, bearer, status, code] of cases) {
      const answer = await mirrorRequest(pod, method, uuid, bearer);
      assert.equal(answer.status, status, `${what}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.code, code, what);
    }
    assert.deepEqual(await originHeads(two), headsBefore, 'nothing was appended');
    assert.deepEqual((await getVideo(one, byPolicy.uuid)).mirrors, viewBefore.mirrors);
  });

  test("pod 2's admin keeps the policy's copy, then mirrors a second video the budget leaves out; asking twice is refused", { timeout: 120_000 }, async () => {
    const token = await two.adminToken();
    assert.deepEqual(await mirrorRequest(two, 'POST', byPolicy.uuid, token), { status: 202, body: { uuid: byPolicy.uuid, state: 'mirrored' } });
    const again = await mirrorRequest(two, 'POST', byPolicy.uuid, token);
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'already-mirrored');

    const { uuid } = await uploadVideo(three, await three.adminToken(), source, { name: 'Mirrored by an admin', description: '', tags: [] });
    byAdmin = await waitForState(three, uuid, 'published');
    await quiescent(pods);
    // The budget holds one video and the admin's choice counts first: the policy leaves this one
    // (checked below: pod 2 never drops the first copy to make room).
    const asked = await mirrorRequest(two, 'POST', uuid, token);
    assert.deepEqual(asked, { status: 202, body: { uuid, state: 'fetching' } });
    const mirror = await waitUntil('pod 1 to show pod 2 as a mirror of the second video', () => mirroredOnOne(uuid), 60_000, 200);
    const copy = Buffer.from(await (await fetch(mirror.webSeedUrls[0]!)).arrayBuffer());
    assert.equal(sha256(copy), sha256(original));
    assert.deepEqual((await mirrorEventsOf(two)).map((e) => [e.type, e.data.uuid]), [['VideoMirrored', byPolicy.uuid], ['VideoMirrored', uuid]], 'the first copy stays');
  });

  test('pod 3 deletes the second video: pod 2 drops its copy, untracks and unseeds it', { timeout: 60_000 }, async () => {
    const mirror = (await mirroredOnOne(byAdmin.uuid))!;
    assert.equal((await fetch(mirror.thumbnailUrl)).status, 200, "pod 2 has the second video's thumbnail");
    const response = await fetch(`${three.baseUrl}/api/v1/videos/${byAdmin.uuid}`, { method: 'DELETE', headers: { authorization: `Bearer ${await three.adminToken()}` } });
    assert.equal(response.status, 204);
    const dropped = await waitUntil("pod 2's VideoUnmirrored", async () => (await mirrorEventsOf(two)).find((e) => e.type === 'VideoUnmirrored'), 30_000, 200);
    assert.deepEqual(dropped.data, { uuid: byAdmin.uuid, reason: 'deleted' });
    for (const url of [mirror.webSeedUrls[0]!, mirror.torrentUrl, mirror.thumbnailUrl]) await waitUntil(`${url} to be gone`, async () => ((await fetch(url)).status === 404 ? true : undefined), 10_000, 100);
    assert.equal(await announceRefused(two, byAdmin.infoHash), true, "pod 2's tracker no longer answers for it");
    await quiescent(pods);
    for (const pod of pods) assert.equal((await fetch(`${pod.baseUrl}/api/v1/videos/${byAdmin.uuid}`)).status, 404);
    // The first copy is untouched.
    assert.ok(await mirroredOnOne(byPolicy.uuid));
  });

  test('a forged VideoMirrored (another pod\'s key, or a non-member) changes nothing', { timeout: 90_000 }, async () => {
    const keys = new Map(await Promise.all(pods.map(async (pod) => [pod, await loadOrCreatePodKeys(pod.dataDir)] as const)));
    const heads = await originHeads(one);
    const before = (await getVideo(one, byPolicy.uuid)).mirrors;
    // "Pod 1 mirrors it", signed with pod 3's key, delivered by pod 1's genuine transport... to pod 2.
    const [last1] = (await readOrigin(two, actor(one), heads.get(actor(one))! - 1)).slice(-1);
    const data = {
      uuid: byPolicy.uuid,
      videoOrigin: actor(three),
      infoHash: byPolicy.infoHash,
      torrentUrl: `${one.baseUrl}/static/torrents/${byPolicy.uuid}.torrent`,
      trackers: [`ws://${one.host}/tracker/socket`],
      webSeedUrls: [`${one.baseUrl}/static/web-videos/${byPolicy.uuid}.mp4`],
    };
    const forged = signEnvelope(
      {
        id: `urn:uuid:${uuidv7()}`,
        type: 'VideoMirrored',
        schemaVersion: 1,
        origin: actor(one),
        originSeq: last1!.originSeq + 1,
        prevHash: hashEvent(last1!),
        stream: `mirror:${byPolicy.uuid}`,
        occurredAt: new Date().toISOString(),
        data,
      },
      { privateKey: keys.get(three)!.ed25519.privateKey, verificationMethod: ed25519KeyId(actor(one)) },
    );
    const forgedAnswer = await signedFetch(`${two.baseUrl}/federation/inbox`, actor(one), keys.get(one)!, deliveryBody([forged]));
    assert.equal(forgedAnswer.status, 202);
    assert.deepEqual(((await forgedAnswer.json()) as { rejected: Array<{ code: string }> }).rejected.map((r) => r.code), ['bad-proof']);

    // A stranger "mirrors" it: its own delivery is refused.
    stranger = await createPodProcess({ name: 'Mirrors stranger', driven: true, env: COMMON });
    await stranger.start();
    await stranger.append(`mirror:${byPolicy.uuid}`, [{ type: 'VideoMirrored', schemaVersion: 1, data: { ...data, torrentUrl: `${stranger.baseUrl}/static/torrents/${byPolicy.uuid}.torrent`, trackers: [`ws://${stranger.host}/tracker/socket`], webSeedUrls: [] } }]);
    const strangerLog = await readOrigin(stranger, actor(stranger), 0);
    const direct = await signedFetch(`${one.baseUrl}/federation/inbox`, actor(stranger), await loadOrCreatePodKeys(stranger.dataDir), deliveryBody(strangerLog));
    assert.equal(direct.status, 403);
    assert.equal(((await direct.json()) as { code: string }).code, 'not-a-member');

    await quiescent(pods);
    assert.deepEqual((await getVideo(one, byPolicy.uuid)).mirrors, before, "pod 1's view of the mirrors is unchanged");
    assert.deepEqual((await getVideo(two, byPolicy.uuid)).mirrors.map((m) => m.host), [two.host], "pod 2's too");
    assert.equal((await originHeads(one)).get(actor(stranger)), undefined, "no event of the stranger reached pod 1");
    await stranger.destroy();
    stranger = undefined;
  });

  test("pod 3 is killed: pod 1's site shows the video as served by mirrors and Chromium plays it to the end from pod 2", { timeout: 180_000 }, async () => {
    await three.kill();
    const view = await waitUntil('pod 1 to see pod 3 unreachable', async () => {
      const video = await getVideo(one, byPolicy.uuid);
      return video.servedByMirrors ? video : undefined;
    }, 30_000, 200);
    assert.equal(view.originReachable, false);
    assert.equal(view.torrentUrls[0], `${two.baseUrl}/static/torrents/${byPolicy.uuid}.torrent`, "pod 2's torrent first");
    assert.ok(view.webSeedUrls[0]!.startsWith(two.baseUrl), "pod 2's web seed first");
    const twoThumbnail = `${two.baseUrl}/static/thumbnails/${byPolicy.uuid}.jpg`;
    assert.equal(view.thumbnailUrls[0], twoThumbnail, "pod 2's thumbnail first");
    assert.equal(view.thumbnailUrl, byPolicy.thumbnailUrl, "thumbnailUrl stays the origin's");
    const thumbnail = await fetch(view.thumbnailUrls[0]!);
    assert.equal(thumbnail.status, 200);
    assert.equal(thumbnail.headers.get('content-type'), 'image/jpeg');
    assert.equal(sha256(Buffer.from(await thumbnail.arrayBuffer())), sha256(originThumbnail), 'the bytes pod 3 served before it died');
    const listed = (await (await fetch(`${one.baseUrl}/api/v1/videos?search=policy`)).json()) as { total: number; data: VideoView[] };
    assert.deepEqual(listed.data.map((v) => [v.uuid, v.servedByMirrors]), [[byPolicy.uuid, true]], 'still found by search, marked');

    browser = await launchChromium();
    const home = await openPage(browser);
    pages.push(home);
    await home.page.goto(one.baseUrl);
    await home.page.waitForSelector(`[data-testid="video-card"][data-uuid="${byPolicy.uuid}"] [data-testid="served-by-mirrors"]`, { timeout: 30_000 });
    const cardImage = `document.querySelector('[data-testid="video-card"][data-uuid="${byPolicy.uuid}"] img')`;
    await waitInPage(home.page, `${cardImage} && ${cardImage}.complete && ${cardImage}.naturalWidth > 0`, 30_000);
    assert.equal(await inPage(home.page, `${cardImage}.currentSrc`), twoThumbnail, "the card shows pod 2's copy of the thumbnail");

    const viewer = await openPage(browser);
    pages.push(viewer);
    const fromTwo: string[] = [];
    viewer.page.on('requestfinished', (request) => {
      if (request.url().startsWith(`${two.baseUrl}/static/`)) fromTwo.push(request.url());
    });
    await viewer.page.goto(`${one.baseUrl}/videos/watch/${byPolicy.uuid}`);
    await viewer.page.waitForSelector('[data-testid="served-by-mirrors"]', { timeout: 30_000 });
    assert.equal(await inPage(viewer.page, `document.querySelector('video[data-testid="player"]').getAttribute('poster')`), twoThumbnail, "the poster is pod 2's copy");
    // Muted, so that autoplay is allowed; then to the end.
    await inPage(viewer.page, `(() => { const v = document.querySelector('video[data-testid="player"]'); v.muted = true; return v.play().then(() => true, () => true); })()`);
    await waitInPage(viewer.page, `(() => { const v = document.querySelector('video[data-testid="player"]'); return !!v && (v.ended || v.currentTime >= v.duration - 0.3) && v.duration > 7; })()`, 120_000);
    const error = await viewer.page.$('[data-testid="player-error"]');
    assert.equal(error, null, 'no playback problem');
    assert.ok(fromTwo.includes(`${two.baseUrl}/static/torrents/${byPolicy.uuid}.torrent`), `the page took pod 2's .torrent (${fromTwo.join(', ')})`);
  });

  /**
   * aria2c with pod 2's .torrent reduced to peers only (pod 2's HTTP tracker, no web seed): the
   * origin is dead, so the bytes are pod 2's seeder's. Checks they are the published ones and
   * returns aria2c's log.
   */
  async function downloadFromPodTwo(name: string): Promise<string> {
    const dir = join(work.path, name);
    mkdirSync(dir);
    const torrent = Buffer.from(await (await fetch(`${two.baseUrl}/static/torrents/${byPolicy.uuid}.torrent`)).arrayBuffer());
    writeFileSync(join(dir, 'video.torrent'), peersOnlyTorrent(torrent, `http://${two.host}/tracker/announce`));
    const client = await runAria2(join(dir, 'video.torrent'), dir);
    clients.push(client);
    assert.equal(await client.exited(90_000), 0, client.output());
    assert.equal(sha256(readFileSync(join(dir, `${byPolicy.uuid}.mp4`))), sha256(original), 'the bytes are the published ones');
    return readFileSync(join(dir, 'aria2.log'), 'utf8');
  }

  test("aria2c downloads it through pod 2's tracker, with pod 2 as the peer", { timeout: 120_000 }, async () => {
    const log = await downloadFromPodTwo('aria2-mirror');
    assert.ok(log.includes(`127.0.0.1:${twoPeerPort}`), `aria2c connected to pod 2's seeder (port ${twoPeerPort})`);
  });

  test('pod 2 restarts: it tracks, seeds and serves its copy again (the origin still down)', { timeout: 120_000 }, async () => {
    await two.stop();
    await two.start();
    await waitUntil("pod 2's seeder on pod 2's tracker again", async () => ((await scrape(two, byPolicy.infoHash))?.complete ?? 0) >= 1 || undefined, 30_000, 200);
    assert.equal((await fetch(`${two.baseUrl}/static/thumbnails/${byPolicy.uuid}.jpg`)).status, 200, 'the thumbnail survives the restart');
    await downloadFromPodTwo('aria2-after-restart');
    assert.deepEqual((await mirrorEventsOf(two)).map((e) => e.type), ['VideoMirrored', 'VideoMirrored', 'VideoUnmirrored'], 'nothing fetched or dropped again');
  });

  test("pod 1's admin mirrors it while pod 3 is still down: the copy comes from pod 2", { timeout: 120_000 }, async () => {
    const asked = await mirrorRequest(one, 'POST', byPolicy.uuid, await one.adminToken());
    assert.deepEqual(asked, { status: 202, body: { uuid: byPolicy.uuid, state: 'fetching' } });
    const own = await waitUntil("pod 1's copy", async () => (await getVideo(one, byPolicy.uuid)).mirrors.find((m) => m.host === one.host), 60_000, 200);
    const copy = Buffer.from(await (await fetch(own.webSeedUrls[0]!)).arrayBuffer());
    assert.equal(sha256(copy), sha256(original), "pod 1's copy is the published file");
    assert.equal(sha256(Buffer.from(await (await fetch(own.thumbnailUrl)).arrayBuffer())), sha256(originThumbnail), "pod 1's thumbnail came from pod 2, the origin's bytes");
    await waitUntil('pod 2 to list both mirrors', async () => ((await getVideo(two, byPolicy.uuid)).mirrors.length === 2 ? true : undefined), 30_000, 200);
  });

  test('pod 3 comes back: it catches up, shows both mirrors, and its video is served by its origin again', { timeout: 120_000 }, async () => {
    await three.start();
    const view = await waitUntil('pod 3 to know both mirrors', async () => {
      const video = await getVideo(three, byPolicy.uuid);
      return video.mirrors.length === 2 ? video : undefined;
    }, 60_000, 200);
    assert.deepEqual(view.mirrors.map((m) => m.host).sort(), [one.host, two.host].sort());
    await waitUntil('pod 1 to see pod 3 reachable again', async () => ((await getVideo(one, byPolicy.uuid)).originReachable ? true : undefined), 30_000, 200);
    assert.equal((await getVideo(one, byPolicy.uuid)).servedByMirrors, false);
    await quiescent(pods);
  });

  test('the audits pass on every pod, pod 3 included, and the read models are the same', { timeout: 120_000 }, async () => {
    await Promise.all(pods.map((pod) => pod.stop()));
    await assertSameAudits(pods);
  });
});

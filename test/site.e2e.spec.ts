import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { findRepositoryRoot } from '../apps/pod/src/repository-root.js';
import { createPodProcess, waitUntil, type PodProcess } from '@swarmtube/testing';
import { swarmSizedMp4 } from '@swarmtube/testing';
import { tempDir } from '@swarmtube/testing';
import { bdecode, type Decoded } from '@swarmtube/torrent';
import { assertNoConsoleErrors, DESKTOP, figure, HAS_CHROMIUM, inPage, launchChromium, openPage, PHONE, waitInPage, type WatchedPage } from './support/browser.js';
import { cleanUp, formNetwork, quiescent } from './support/network.js';
import { getVideo } from './support/videos.js';

/**
 * The site in a real browser (Debian's Chromium through playwright-core) against a network
 * of three pods, each a process on loopback. A user logs in on pod 3's site and uploads a
 * video through the upload page; pod 1's site lists it and finds it by search; a viewer on
 * pod 1's site plays it through WebTorrent in the page (pod 3's WebSocket tracker, its WebRTC
 * seeder, its web seed as the fallback); a second viewer, on pod 2's site, gets bytes from the
 * first one over WebRTC, and pod 3's tracker counts them both; a viewer with P2P off plays
 * from the web seed with no tracker connection and no WebRTC. The admin pages show the pods
 * and an event log whose every signature the browser verifies. Every page is checked for
 * console errors, and photographed into test-results/screenshots/ (into docs/screenshots/, the
 * README's pictures, with SWARMTUBE_UPDATE_SCREENSHOTS=1: a test run leaves the tree clean).
 *
 * Pod 3's seeder is capped at 64 KiB/s (a small pod's setting), far below the video's
 * bitrate: the viewers need the web seed and each other.
 */
const SEEDER_LIMIT = 64 * 1024;
const SHOTS = process.env.SWARMTUBE_UPDATE_SCREENSHOTS === '1' ? join(findRepositoryRoot(), 'docs', 'screenshots') : join(findRepositoryRoot(), 'test-results', 'screenshots');
const PASSWORD = 'test-admin-password';
const NAME = 'Big Buck Bunny in the swarm';

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  // Let lazy images and fonts settle: at most 5 s, never a fixed sleep.
  await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => undefined);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}

async function waitPlayedPast(page: Page, seconds: number, timeoutMs: number): Promise<void> {
  await waitInPage(page, `(document.querySelector('video[data-testid="player"]')?.currentTime ?? 0) > ${seconds}`, timeoutMs);
}

async function logIn(watched: WatchedPage, pod: PodProcess, redirect: string): Promise<void> {
  const { page } = watched;
  await page.goto(`${pod.baseUrl}/login?redirect=${encodeURIComponent(redirect)}`);
  await page.fill('[data-testid="login-username"]', 'root');
  await page.fill('[data-testid="login-password"]', PASSWORD);
  await page.click('[data-testid="login-submit"]');
  await page.waitForURL(`${pod.baseUrl}${redirect}`, { timeout: 15_000 });
  await page.waitForSelector('[data-testid="account-link"]', { timeout: 15_000 });
}

/** complete and incomplete peers of one torrent, from the tracker's HTTP scrape (BEP 48). */
async function scrape(pod: PodProcess, infoHash: string): Promise<{ complete: number; incomplete: number }> {
  const encoded = [...Buffer.from(infoHash, 'hex')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  const response = await fetch(`${pod.baseUrl}/tracker/scrape?info_hash=${encoded}`);
  const decoded = bdecode(new Uint8Array(await response.arrayBuffer()));
  assert.ok(decoded.ok && decoded.value instanceof Map, 'a bencoded scrape answer');
  const files = (decoded.value as Map<string, Decoded>).get('files') as Map<string, Decoded>;
  const [entry] = [...files.values()] as Array<Map<string, Decoded>>;
  return { complete: Number(entry.get('complete')), incomplete: Number(entry.get('incomplete')) };
}

describe('the site in Chromium, on a three-pod network', { skip: HAS_CHROMIUM ? false : 'no Chromium at /usr/bin/chromium' }, () => {
  let pods: PodProcess[] = [];
  let one: PodProcess;
  let two: PodProcess;
  let three: PodProcess;
  let browser: Browser;
  const opened: WatchedPage[] = [];
  const work = tempDir('swarmtube-site-e2e-');
  const source = join(work.path, 'big-buck-bunny.mp4');
  let uuid = '';
  let infoHash = '';
  let viewerA: WatchedPage;

  const open = async (options?: Parameters<typeof openPage>[1]) => {
    const watched = await openPage(browser, options);
    opened.push(watched);
    return watched;
  };

  before(async () => {
    // 10 s: a file a browser plays as it is (about 2.6 MB), named for the upload form.
    copyFileSync(await swarmSizedMp4({ seconds: 10 }), source);
    pods = [
      await createPodProcess({ name: 'Pod 1', driven: true }),
      await createPodProcess({ name: 'Pod 2', driven: true }),
      await createPodProcess({ name: 'Pod 3', driven: true, env: { SWARMTUBE_SEEDING_UPLOAD_LIMIT_BYTES_PER_SECOND: String(SEEDER_LIMIT) } }),
    ];
    [one, two, three] = pods;
    const [launched] = await Promise.all([launchChromium(), ...pods.map((pod) => pod.start())]);
    browser = launched as Browser;
    await formNetwork(pods);
  });

  after(async () => {
    await Promise.all(opened.map((watched) => watched.context.close().catch(() => undefined)));
    await browser?.close();
    await cleanUp(pods);
    work.remove();
  });

  test("a user logs in on pod 3's site and uploads a video through the upload page: the transfer, then the processing, then published", async () => {
    const uploader = await open();
    const { page } = uploader;
    await page.goto(`${three.baseUrl}/upload`);
    await page.waitForURL((url) => url.pathname === '/login' && url.searchParams.get('redirect') === '/upload', { timeout: 15_000 });
    await page.fill('[data-testid="login-username"]', 'root');
    await shoot(page, 'login');
    await page.fill('[data-testid="login-password"]', PASSWORD);
    await page.click('[data-testid="login-submit"]');
    await page.waitForURL(`${three.baseUrl}/upload`, { timeout: 15_000 });

    // The form refuses a missing name before sending anything.
    await page.click('[data-testid="upload-submit"]');
    assert.equal(await page.textContent('[data-testid="error-file"]'), 'Choose a video file.');

    await page.setInputFiles('[data-testid="file-input"]', source);
    assert.equal(await page.inputValue('[data-testid="name-input"]'), 'big buck bunny', 'the name is taken from the file name');
    await page.fill('[data-testid="name-input"]', NAME);
    await page.fill('[data-testid="description-input"]', 'A test pattern and a tone, carried by the swarm.');
    await page.fill('[data-testid="tags-input"]', 'animation, p2p');
    await page.click('[data-testid="upload-submit"]');
    await page.waitForSelector('[data-testid="upload-done"]', { timeout: 90_000 });
    assert.equal(await page.textContent('[data-testid="transfer-progress-percent"]'), '100 %');
    assert.equal(await page.textContent('[data-testid="processing-progress-percent"]'), '100 %');
    await shoot(page, 'upload');

    const href = await page.getAttribute('[data-testid="watch-uploaded"]', 'href');
    uuid = /\/videos\/watch\/([0-9a-f-]{36})$/.exec(href ?? '')?.[1] ?? '';
    assert.ok(uuid, `a watch link: ${href}`);
    const video = await getVideo(three, uuid);
    assert.equal(video.state, 'published');
    assert.equal(video.name, NAME);
    assert.deepEqual(video.tags, ['animation', 'p2p']);
    infoHash = video.infoHash;

    await page.click('[data-testid="account-link"]');
    await page.waitForSelector('[data-testid="account-username"]');
    assert.equal(await page.textContent('[data-testid="account-username"]'), 'root');
    await shoot(page, 'account');
    assertNoConsoleErrors(uploader, "pod 3's login, upload and account pages");
  });

  test("pod 1's site lists it on the home page and finds it by search, with the origin filters", async () => {
    assert.ok(uuid, 'uploaded');
    await quiescent(pods);
    viewerA = await open();
    const { page } = viewerA;
    await page.goto(`${one.baseUrl}/`);
    const card = `[data-testid="video-card"][data-uuid="${uuid}"]`;
    await page.waitForSelector(card, { timeout: 15_000 });
    assert.equal(await page.textContent(`${card} [data-testid="origin"]`), three.host);
    assert.equal(await page.textContent(`${card} [data-testid="duration"]`), '0:10');
    await shoot(page, 'home');

    await page.fill('[data-testid="header-search"]', 'bunny');
    await page.press('[data-testid="header-search"]', 'Enter');
    await page.waitForURL((url) => url.pathname === '/search' && url.searchParams.get('q') === 'bunny');
    await page.waitForSelector(card);
    await page.check('[data-testid="origin-local"]');
    await page.waitForSelector('[data-testid="empty"]');
    assert.equal(await page.$(card), null, 'not a video of pod 1');
    await page.check('[data-testid="origin-remote"]');
    await page.waitForSelector(card);
    await page.check('[data-testid="origin-host"]');
    await page.selectOption('[data-testid="origin-host-select"]', three.host);
    await page.waitForURL((url) => url.searchParams.get('origin') === three.host);
    await page.waitForSelector(card);
    await page.check('[data-testid="origin-all"]');
    await page.waitForSelector(card);
    await shoot(page, 'search');
    assertNoConsoleErrors(viewerA, "pod 1's home and search pages");
  });

  test("a viewer plays it on pod 1's site through WebTorrent (pod 3's tracker, seeder and web seed), and it starts before the download is complete", async (t) => {
    assert.ok(uuid, 'found');
    const { page } = viewerA;
    // Keyboard only: tab to the video's link and press Enter.
    const link = `[data-testid="video-card"][data-uuid="${uuid}"] [data-testid="video-link"]`;
    const focused = () => inPage<boolean>(page, `document.activeElement === document.querySelector(${JSON.stringify(link)})`);
    for (let i = 0; i < 40 && !(await focused()); i++) await page.keyboard.press('Tab');
    assert.ok(await focused(), 'the video link is reachable with Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${one.baseUrl}/videos/watch/${uuid}`);
    assert.equal(await page.textContent('[data-testid="video-title"]'), NAME);
    assert.equal(await page.textContent('[data-testid="video-origin"]'), three.host);

    await waitPlayedPast(page, 3, 45_000);
    const progressAtFirstFrame = Number(await page.getAttribute('[data-testid="p2p-first-frame"]', 'data-progress'));
    const firstFrameMs = Number(await page.getAttribute('[data-testid="p2p-first-frame"]', 'data-value'));
    assert.ok(progressAtFirstFrame < 1, `the first frame came with ${Math.round(progressAtFirstFrame * 100)} % of the file (after ${Math.round(firstFrameMs)} ms)`);
    assert.equal(await page.textContent('[data-testid="p2p-state"]'), 'P2P on');
    const [fromViewers, fromOrigin, fromWebSeed] = [await figure(page, 'p2p-from-viewers'), await figure(page, 'p2p-from-origin'), await figure(page, 'p2p-from-webseed')];
    assert.ok(fromViewers + fromOrigin > 0, `bytes received: ${fromViewers + fromOrigin}`);
    t.diagnostic(`first frame after ${Math.round(firstFrameMs)} ms with ${Math.round(progressAtFirstFrame * 100)} % of the file; ${fromViewers} bytes from viewers, ${fromOrigin} from the origin pod (${fromWebSeed} of them from its web seed)`);
    assertNoConsoleErrors(viewerA, "pod 1's watch page");
  });

  test("a second viewer, on pod 2's site, gets bytes from the first one over WebRTC: both P2P panels and pod 3's tracker agree", async (t) => {
    assert.ok(uuid, 'played');
    // The first viewer holds the whole file, and seeds it while its page is open.
    await waitUntil('the first viewer to hold the whole file', async () => ((await figure(viewerA.page, 'p2p-progress')) >= 1 ? true : undefined), 60_000, 200);
    const uploadedBefore = await figure(viewerA.page, 'p2p-uploaded');

    const viewerB = await open();
    const { page } = viewerB;
    await page.goto(`${two.baseUrl}/videos/watch/${uuid}`);
    await waitPlayedPast(page, 3, 45_000);
    const seen = await waitUntil(
      'bytes from peers on the second viewer, and bytes uploaded by the first',
      async () => {
        const figures = {
          peers: await figure(page, 'p2p-peers'),
          fromPeers: await figure(page, 'p2p-from-viewers'),
          uploadedByA: (await figure(viewerA.page, 'p2p-uploaded')) - uploadedBefore,
        };
        return figures.fromPeers > 0 && figures.uploadedByA > 0 && figures.peers >= 1 ? figures : undefined;
      },
      30_000,
      200,
    );
    // The origin's seeder sends at most 64 KiB/s: what B got from peers beyond that came from A.
    assert.ok(seen.uploadedByA > 0, `the first viewer uploaded ${seen.uploadedByA} bytes to the second`);
    assert.ok(seen.fromPeers >= seen.uploadedByA * 0.5, `B's panel counts what A's panel sent (B got ${seen.fromPeers} from peers, A sent ${seen.uploadedByA})`);

    // Pod 3's tracker sees the swarm: its own seeder and both browsers.
    const swarm = await waitUntil('pod 3 to count three peers', async () => {
      const figures = await scrape(three, infoHash);
      return figures.complete + figures.incomplete >= 3 ? figures : undefined;
    }, 15_000, 200);
    assert.ok(swarm.complete >= 2, `the seeder and the first viewer are complete: ${JSON.stringify(swarm)}`);
    t.diagnostic(`second viewer: ${seen.peers} peers, ${seen.fromPeers} bytes from peers; first viewer uploaded ${seen.uploadedByA}; pod 3's scrape ${JSON.stringify(swarm)}`);
    await waitUntil('the second viewer to be complete too', async () => ((await figure(page, 'p2p-progress')) >= 1 ? true : undefined), 60_000, 200);
    await shoot(page, 'watch');
    assertNoConsoleErrors(viewerA, 'the first viewer');
    assertNoConsoleErrors(viewerB, 'the second viewer');
  });

  test('a viewer with P2P off plays from the web seed only: no tracker connection, no WebRTC', async () => {
    assert.ok(uuid, 'uploaded');
    const viewer = await open({ localStorage: { 'swarmtube.p2p': 'off' } });
    const { page, context } = viewer;
    // Count every RTCPeerConnection the page makes.
    await context.addInitScript({
      content: `window.peerConnections = 0; const Original = window.RTCPeerConnection;
        window.RTCPeerConnection = class extends Original { constructor(...args) { super(...args); window.peerConnections++; } };`,
    });
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    await page.goto(`${one.baseUrl}/videos/watch/${uuid}`);
    await waitPlayedPast(page, 3, 45_000);
    assert.equal(await page.textContent('[data-testid="p2p-state"]'), 'web seed only');
    assert.equal(await figure(page, 'p2p-peers'), 0);
    assert.equal(await figure(page, 'p2p-from-viewers'), 0);
    assert.ok((await figure(page, 'p2p-from-webseed')) > 0, 'bytes from the web seed');
    assert.deepEqual(sockets, [], 'no WebSocket (no tracker announce)');
    assert.equal(await inPage<number>(page, 'window.peerConnections'), 0, 'no RTCPeerConnection');
    // The switch in the header says so, and is a real checkbox.
    assert.equal(await page.isChecked('[data-testid="p2p-switch"]'), false);
    await shoot(page, 'watch-p2p-off');
    assertNoConsoleErrors(viewer, 'the watch page with P2P off');
  });

  test('an admin sees the pods with their status and health, and the expulsion vote controls answer', async () => {
    const admin = await open();
    const { page } = admin;
    await logIn(admin, one, '/admin/pods');
    await page.waitForSelector('[data-testid="pod-row"]');
    const rows = await page.$$eval('[data-testid="pod-row"]', (trs) =>
      trs.map((tr) => ({ host: tr.getAttribute('data-host'), status: tr.querySelector('[data-testid="pod-status"]')?.textContent, score: Number(tr.querySelector('[data-testid="pod-score"]')?.textContent) })),
    );
    assert.deepEqual(rows.map((r) => [r.host, r.status]).sort(), [[two.host, 'active'], [three.host, 'active']].sort());
    assert.ok(rows.every((r) => Number.isFinite(r.score) && r.score > 0), JSON.stringify(rows));
    assert.ok(await page.isVisible('[data-testid="make-friends"]'));
    assert.ok(await page.isVisible('[data-testid="quit-friends"]'));

    // Cast a vote against pod 2 and withdraw it (one vote of two needed: nobody is expelled).
    const row = `[data-testid="pod-row"][data-host="${two.host}"]`;
    const tally = `${row} [data-testid="pod-tally"]`;
    assert.match((await page.textContent(tally)) ?? '', /^\s*0 of 2 needed to expel\s*$/);
    await page.click(`${row} [data-testid="vote-button"]`);
    await page.fill(`${row} input`, 'e2e: a vote cast and withdrawn');
    await page.press(`${row} input`, 'Enter');
    await waitInPage(page, `document.querySelector('[data-testid="pods-message"]')?.textContent?.includes('voted to expel')`, 15_000);
    await waitInPage(page, `document.querySelector('${tally}')?.dataset.votes === '1'`, 15_000);
    assert.match((await page.textContent(tally)) ?? '', /^\s*1 of 2 needed to expel\s+incl\. this pod's\s*$/);
    await shoot(page, 'admin-pods');
    await page.click(`${row} [data-testid="withdraw-button"]`);
    await waitInPage(page, `document.querySelector('[data-testid="pods-message"]')?.textContent?.includes('withdrawn')`, 15_000);
    await waitInPage(page, `document.querySelector('${tally}')?.dataset.votes === '0'`, 15_000);
    assert.equal(await page.textContent(`${row} [data-testid="pod-status"]`), 'active');
    assertNoConsoleErrors(admin, 'the pods page');
  });

  test("the event log: every event's signature and chain verified in the browser, filtered by type and origin", async () => {
    const viewer = await open();
    const { page } = viewer;
    await page.goto(`${one.baseUrl}/admin/events`);
    await page.waitForSelector('[data-testid="event-row"]');
    const statuses = await waitUntil('every event to be checked', async () => {
      const list = await page.$$eval('[data-testid="event-row"] [data-testid="verification"]', (badges) => badges.map((b) => b.getAttribute('data-status')));
      return list.length > 0 && !list.includes('pending') ? list : undefined;
    }, 15_000, 100);
    assert.ok(statuses.length >= 6, `the log holds the network's events (${statuses.length})`);
    assert.deepEqual([...new Set(statuses)], ['verified'], 'every event verified with WebCrypto Ed25519');
    await shoot(page, 'admin-events');

    await page.selectOption('[data-testid="filter-type"]', 'VideoPublished');
    await waitInPage(page, `document.querySelectorAll('[data-testid="event-row"]').length === 1`, 5000);
    await page.selectOption('[data-testid="filter-type"]', '');
    await page.selectOption('[data-testid="filter-origin"]', `http://${three.host}/federation/actor`);
    const origins = await page.$$eval('[data-testid="event-row"] td:nth-child(3)', (cells) => [...new Set(cells.map((c) => c.textContent))]);
    assert.deepEqual(origins, [three.host]);
    assertNoConsoleErrors(viewer, 'the event log');
  });

  test('phone-sized pages: no horizontal scrolling, the player and the P2P panel stacked', async () => {
    const phone = await open({ viewport: PHONE });
    const { page } = phone;
    for (const [path, shot] of [['/', 'home-phone'], [`/videos/watch/${uuid}`, 'watch-phone']] as const) {
      await page.goto(`${one.baseUrl}${path}`);
      await page.waitForSelector(path === '/' ? '[data-testid="video-card"]' : '[data-testid="p2p-panel"]');
      if (path !== '/') await waitPlayedPast(page, 1, 45_000);
      const overflow = await inPage<number>(page, 'document.documentElement.scrollWidth - window.innerWidth');
      assert.ok(overflow <= 0, `${path}: ${overflow} px wider than the phone`);
      await shoot(page, shot);
    }
    const [player, panel] = await Promise.all([page.$('[data-testid="player"]'), page.$('[data-testid="p2p-panel"]')]);
    const [a, b] = await Promise.all([player!.boundingBox(), panel!.boundingBox()]);
    assert.ok(a && b && b.y >= a.y + a.height, 'the panel is below the player');
    assert.ok(a!.width <= PHONE.width && DESKTOP.width > PHONE.width);
    assertNoConsoleErrors(phone, 'phone-sized pages');
  });
});

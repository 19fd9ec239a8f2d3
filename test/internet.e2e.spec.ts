import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { peersOnlyTorrent } from '@swarmtube/testing';
import { bdecode, type Decoded } from '@swarmtube/torrent';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { swarmSizedMp4 } from '@swarmtube/testing';
import { waitUntil } from '@swarmtube/testing';
import { NsClient } from './support/internet/client.js';
import { NetnsRun, namespaceSupport, sh, sweepStaleRuns, type NsProcess } from './support/internet/netns.js';
import type { VideoView } from './support/videos.js';
import type { Browser, Page } from 'playwright-core';
import { assertNoConsoleErrors, figure, inPage, waitInPage, type WatchedPage } from './support/browser.js';
import { reflexiveAddress, startCoturn, TURN_PORT } from './support/internet/coturn.js';
import { GATHER_WITH_SITE_SERVERS, launchViewer, PEER_DIAGNOSIS, RECORD_PEER_CONNECTIONS, SELECTED_PAIRS, type SelectedPair } from './support/internet/viewer.js';
import { startNginx, type RunningNginx } from './support/internet/nginx.js';
import { ADMIN_PASSWORD, POD_PORT, startPod, type NsPod } from './support/internet/pod.js';
import { buildSmallInternet, CLIENT_ADDRESS, DOMAIN, POD_NAMES, TURN_ADDRESS, type SmallInternet } from './support/internet/small-internet.js';
import { makeTestCa, type TestCa } from './support/internet/tls.js';

/**
 * Swarmtube on a small internet built on this machine (test/support/internet/): network
 * namespaces joined by veth pairs to a backbone bridge, three pods each on its own host and
 * name behind nginx (the repository's deploy/nginx site, with certificates from a CA this
 * test makes), a TURN server, a client host, and two homes whose viewers sit behind NAT
 * routers (nftables). Every namespace, process and file it makes is removed at the end, even
 * when a step fails; a run killed before that is swept by the next one.
 *
 * Needs root (CI runs as root) and Debian's iproute2, nftables, nginx, coturn, openssl,
 * libnss3-tools and aria2: where namespaces cannot be made, the test fails and says why.
 */

const UPLOAD_MAX_BYTES = 16 * 1024 * 1024;
/** Pod 3's seeder, capped at about the video's bitrate (2 Mbit/s): viewers need the web seed and each other. */
const SEEDER_LIMIT = 256 * 1024;
const VIDEO_NAME = 'Big Buck Bunny across a small internet';
/** Pod 3's uplink for bulk while viewers B and C watch: half the video's 2 Mbit/s. */
const ORIGIN_UPLINK = '1mbit';
/** Video bytes, not a handshake: a pair carrying this much brought pieces (the file is 2.7 MB). */
const FROM_NEIGHBOUR = 256 * 1024;
/** coturn's `static-auth-secret`, the pods' `ice.turnSecret`: the one secret they share. */
const TURN_SECRET = 'small-internet-turn-secret';
const ICE_ENV = {
  // STUN and TURN by address. Chromium's WebRTC looks up the host name of a stun: URL and of a
  // turn:...?transport=udp URL with a resolver that does not answer from the namespace's hosts
  // file (pages and TURN over TCP do): it fails after ~13 s ("701 TURN host lookup received
  // error" in icecandidateerror), with no srflx candidate from a named STUN server and no relay
  // over UDP; the only relays left came over TCP after simple-peer's 5 s gathering wait, so the
  // offers and answers went out without any relay candidate. A deployment's DNS answers.
  SWARMTUBE_ICE_STUN_URLS: `stun:${TURN_ADDRESS}:${TURN_PORT}`,
  SWARMTUBE_ICE_TURN_URLS: `turn:${TURN_ADDRESS}:${TURN_PORT}?transport=udp,turn:${TURN_ADDRESS}:${TURN_PORT}?transport=tcp`,
  SWARMTUBE_ICE_TURN_SECRET: TURN_SECRET,
};

/** A page in its own context (a viewer's tab), recording its peer connections and console errors. */
async function openViewerPage(browser: Browser): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, serviceWorkers: 'allow' });
  context.setDefaultTimeout(30_000);
  await context.addInitScript({ content: RECORD_PEER_CONNECTIONS });
  const page = await context.newPage();
  let errors: string[] = [];
  page.on('console', (message) => { if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`); });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  return { page, context, errors: () => [...errors], clearErrors: () => (errors = []) };
}

const selectedPairs = (page: Page) => inPage<SelectedPair[]>(page, SELECTED_PAIRS);
const waitPlayedPast = (page: Page, seconds: number, timeoutMs: number) =>
  waitInPage(page, `(document.querySelector('video[data-testid="player"]')?.currentTime ?? 0) > ${seconds}`, timeoutMs);

describe('Swarmtube on a small internet of network namespaces', { timeout: 300_000 }, () => {
  let run: NetnsRun | undefined;
  let net: SmallInternet;
  let ca: TestCa;
  let client: NsClient;
  const nginxes: RunningNginx[] = [];
  const pods: NsPod[] = [];
  const helpers: NsProcess[] = [];
  let uuid = '';
  let video: VideoView | undefined;
  const browsers: Browser[] = [];
  let viewerA: WatchedPage | undefined;

  /** Pod i (0-based) on its host: its firewall, nginx with a certificate from the test's CA, the pod. */
  async function podUp(i: number, env: NodeJS.ProcessEnv = {}): Promise<NsPod> {
    assert.ok(run);
    const ns = net.pods[i];
    const host = POD_NAMES[i];
    const certificate = await ca.issue(host);
    // What the admin's firewall does (docs/deploy.md): TCP 9000 only for nginx on the host.
    await run.nft(ns, `table inet pod {\n chain input { type filter hook input priority filter; policy accept; iifname "lo" accept; tcp dport ${POD_PORT} drop; }\n}`);
    const [nginx, pod] = await Promise.all([
      startNginx(run, ns, join(run.work, host, 'nginx'), {
        host, certPath: certificate.certPath, keyPath: certificate.keyPath, upstream: `127.0.0.1:${POD_PORT}`, uploadMaxBytes: UPLOAD_MAX_BYTES, acmeRoot: join(run.work, host, 'acme'),
      }),
      startPod(run, { ns, name: `Pod ${i + 1}`, host, publicUrl: `https://${host}`, caPath: ca.certPath, env: { SWARMTUBE_UPLOADS_MAX_BYTES: String(UPLOAD_MAX_BYTES), ...ICE_ENV, ...env } }),
    ]);
    nginxes[i] = nginx;
    pods[i] = pod;
    return pod;
  }
  const urlOf = (i: number, path: string) => `https://${POD_NAMES[i]}${path}`;
  const tokenOf = async (i: number) => (await client.expect<{ access_token: string }>(200, urlOf(i, '/api/v1/users/token'), { method: 'POST', json: { username: 'root', password: ADMIN_PASSWORD } })).access_token;
  const activePeersOf = async (i: number) =>
    (await client.expect<Array<{ host: string; status: string }>>(200, urlOf(i, '/api/v1/pods'))).filter((p) => p.status === 'active').map((p) => p.host).sort();

  before(async () => {
    const unsupported = await namespaceSupport();
    if (unsupported) throw new Error(`the small-internet test cannot run on this machine: ${unsupported}`);
    await sweepStaleRuns();
    run = new NetnsRun();
    // Interrupted (Ctrl-C, a CI timeout's SIGTERM): clean up before going. A SIGKILL leaves
    // the namespaces to the next run's sweep.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => void run!.destroy().catch(() => undefined).finally(() => process.exit(130)));
    }
    net = await buildSmallInternet(run);
    ca = await makeTestCa(join(run.work, 'ca'));
    client = new NsClient(run, net.client, ca.certPath);
    helpers.push((await startCoturn(run, net.turn, { address: TURN_ADDRESS, realm: DOMAIN, secret: TURN_SECRET })).process);
  });

  after(async () => {
    await Promise.all(browsers.map((browser) => browser.close().catch(() => undefined)));
    if (!run) return;
    const made = run.prefix;
    const failures = pods.map((pod) => (pod.process.exited() && pod.process.child.exitCode !== 0 ? `${pod.name}:\n${pod.output().slice(-3000)}` : '')).filter(Boolean);
    await run.destroy({ keepWork: process.env.SWARMTUBE_KEEP_TEST_DATA === '1' });
    assert.deepEqual(await run.present(), [], `every namespace of ${made} removed`);
    if (failures.length > 0) console.error(failures.join('\n'));
  });

  test('the network: every host reaches the backbone, the homes go out through their NAT, and nothing routes outside', async () => {
    assert.ok(run);
    // A server on the client host that answers with the address it sees.
    const echo = run.spawn(net.client, 'echo server', process.execPath, ['-e', "require('node:http').createServer((q, s) => s.end(q.socket.remoteAddress)).listen(8080, '0.0.0.0')"]);
    helpers.push(echo);
    const waitForServer = async (ns: string) => {
      for (let attempt = 0; attempt < 50; attempt++) {
        const result = await run!.exec(ns, 'curl', ['-sS', '--max-time', '2', 'http://127.0.0.1:8081/'], { allowFailure: true });
        if (result.code === 0) return result.stdout;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return 'no answer';
    };
    const seenFrom = async (ns: string) => {
      for (let attempt = 0; ; attempt++) {
        const result = await run!.exec(ns, 'curl', ['-sS', '--max-time', '3', `http://${CLIENT_ADDRESS}:8080/`], { allowFailure: true });
        if (result.code === 0) return result.stdout;
        if (attempt > 40 || echo.exited()) throw new Error(`no answer from the echo server: ${result.stderr} ${echo.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    for (const [i, ns] of net.pods.entries()) assert.equal(await seenFrom(ns), `10.77.0.${11 + i}`, `pod ${i + 1} reaches the client with its own address`);
    for (const home of net.homes) {
      assert.equal(await seenFrom(home.viewer), home.publicAddress, `viewer ${home.name} is seen as its router's address (NAT)`);
    }
    const [a, b] = net.homes;
    // Servers inside both homes: out of reach from the other home and from the backbone.
    for (const home of net.homes) {
      helpers.push(run.spawn(home.viewer, `server in home ${home.name}`, process.execPath, ['-e', "require('node:http').createServer((q, s) => s.end('in')).listen(8081, '0.0.0.0')"]));
    }
    const get = (ns: string, url: string) => run!.exec(ns, 'curl', ['-sS', '--max-time', '2', '--retry', '0', url], { allowFailure: true });
    assert.equal(await waitForServer(b.viewer), 'in', "home B's server runs");
    assert.notEqual((await get(a.viewer, `http://${b.viewerAddress}:8081/`)).code, 0, "viewer A cannot reach into home B's LAN");
    assert.notEqual((await get(net.client, `http://${a.viewerAddress}:8081/`)).code, 0, "the backbone cannot reach into home A's LAN");
    assert.notEqual((await get(net.client, `http://${a.publicAddress}:8081/`)).code, 0, 'a connection to a home router is not forwarded in');
    // No way out: no namespace has a route beyond the backbone.
    for (const ns of [...net.pods, net.turn, net.client, a.router, b.router]) {
      const route = await run.exec(ns, 'ip', ['route', 'get', '192.0.2.1'], { allowFailure: true });
      assert.notEqual(route.code, 0, `${ns} has no route outside the small internet: ${route.stdout}`);
    }
    await Promise.all(helpers.filter((helper) => helper.name !== 'coturn').map((helper) => helper.stop()));
    // STUN, as a browser in each home will ask it: the TURN server sees the home's router.
    for (const home of net.homes) assert.equal(await reflexiveAddress(run, home.viewer, TURN_ADDRESS), home.publicAddress, `STUN from home ${home.name} discovers its NAT's address`);
  });

  test("pod 1 over HTTPS behind the repository's nginx site: TLS from the test's CA, HTTP redirected, the pod's own port closed to the network", async () => {
    assert.ok(run);
    const host = POD_NAMES[0];
    await podUp(0);
    const config = await client.expect<{ name: string; host: string }>(200, `https://${host}/api/v1/config`);
    assert.equal(config.name, 'Pod 1');
    const plain = await client.request(`http://${host}/videos/watch/x?y=1`);
    assert.equal(plain.status, 301);
    assert.equal(plain.headers.location, `https://${host}/videos/watch/x?y=1`);
    const direct = await run.exec(net.client, 'curl', ['-sS', '--max-time', '2', `http://${host}:${POD_PORT}/api/v1/config`], { allowFailure: true });
    assert.notEqual(direct.code, 0, "the pod's HTTP port is closed to the network");
    // A certificate for another name is refused by the client (verification is on).
    const wrongName = await run.exec(net.client, 'curl', ['-sS', '--cacert', ca.certPath, '--max-time', '5', '--resolve', `other.swarm.test:443:10.77.0.11`, 'https://other.swarm.test/'], { allowFailure: true });
    assert.notEqual(wrongName.code, 0, 'a certificate for another name is refused');
    assert.ok(await tokenOf(0));
  });

  test('three pods make friends over HTTPS (bare hosts mean HTTPS), each knowing the others by their public names', async () => {
    await Promise.all([podUp(1), podUp(2, { SWARMTUBE_SEEDING_UPLOAD_LIMIT_BYTES_PER_SECOND: String(SEEDER_LIMIT) })]);
    const report = await client.expect<{ chosen: string[]; failed: unknown[] }>(200, urlOf(1, '/api/v1/pods/make-friends'), { method: 'POST', token: await tokenOf(1), json: { hosts: [POD_NAMES[0]] } });
    assert.deepEqual(report.chosen, [POD_NAMES[0]], JSON.stringify(report));
    await waitUntil('pods 1 and 2 to be friends', async () => ((await activePeersOf(0)).includes(POD_NAMES[1]) ? true : undefined), 60_000, 250);
    const third = await client.expect<{ chosen: string[] }>(200, urlOf(2, '/api/v1/pods/make-friends'), { method: 'POST', token: await tokenOf(2), json: { hosts: [`https://${POD_NAMES[0]}`, POD_NAMES[1]] } });
    assert.deepEqual(third.chosen.sort(), [POD_NAMES[0], POD_NAMES[1]], JSON.stringify(third));
    for (const i of [0, 1, 2]) {
      const others = POD_NAMES.filter((_, j) => j !== i).sort();
      await waitUntil(`pod ${i + 1} to know the two others`, async () => {
        const active = await activePeersOf(i);
        return JSON.stringify(active) === JSON.stringify(others) ? true : undefined;
      }, 60_000, 250);
    }
    const actor = await client.expect<{ id: string; inbox: string }>(200, urlOf(2, '/federation/actor'), { headers: { accept: 'application/activity+json' } });
    assert.equal(actor.id, `https://${POD_NAMES[2]}/federation/actor`);
    assert.equal(actor.inbox, `https://${POD_NAMES[2]}/federation/inbox`);
    // Every delivery went through nginx over TLS: its access logs hold the signed POSTs.
    assert.match(nginxes[0].accessLog(), /POST \/federation\/inbox HTTP\/1\.1" 2\d\d/, "pod 1's nginx passed deliveries to its inbox");
  });

  test("an upload on pod 3, through its nginx, is found by search on pod 1, with HTTPS and WSS URLs; the web seed answers Range requests with CORS through nginx", async () => {
    assert.ok(run);
    const file = join(run.work, 'big-buck-bunny.mp4');
    copyFileSync(await swarmSizedMp4({ seconds: 10 }), file);
    const token = await tokenOf(2);
    const uploaded = await client.expect<{ uuid: string }>(201, urlOf(2, '/api/v1/videos/upload'), {
      token, form: [['name', VIDEO_NAME], ['description', 'Across a small internet'], ['videofile', `@${file};type=video/mp4`]], timeoutSeconds: 120,
    });
    uuid = uploaded.uuid;
    await waitUntil('the upload to be published on pod 3', async () => {
      const seen = await client.expect<VideoView>(200, urlOf(2, `/api/v1/videos/${uuid}`));
      if (seen.state === 'failed') assert.fail(`processing failed: ${JSON.stringify(seen.error)}`);
      return seen.state === 'published' ? seen : undefined;
    }, 120_000, 500);
    const found = await waitUntil('pod 1 to find it by search', async () => {
      const page = await client.expect<{ total: number; data: VideoView[] }>(200, urlOf(0, '/api/v1/videos?search=bunny'));
      return page.data.find((v) => v.uuid === uuid);
    }, 60_000, 500);
    video = found;
    assert.equal(found.originHost, POD_NAMES[2]);
    assert.equal(found.torrentUrl, `https://${POD_NAMES[2]}/static/torrents/${uuid}.torrent`);
    assert.ok(found.webSeedUrls.every((url) => url.startsWith(`https://${POD_NAMES[2]}/static/web-videos/`)), JSON.stringify(found.webSeedUrls));
    assert.match(decodeURIComponent(found.magnetUri), new RegExp(`tr=wss://${POD_NAMES[2].replace(/\./g, '\\.')}/tracker/socket`));
    assert.doesNotMatch(decodeURIComponent(found.magnetUri), /tr=(ws|http):\/\//, 'no plain ws:// or http:// tracker');

    // The web seed through nginx: a Range request gets the pod's 206 and its CORS headers.
    const range = await client.request(found.webSeedUrls[0], { headers: { range: 'bytes=100-199', origin: `https://${POD_NAMES[0]}` } });
    assert.equal(range.status, 206);
    assert.equal(range.headers['content-range']?.split('/')[0], 'bytes 100-199');
    assert.equal(range.body.length > 0 && Number(range.headers['content-length']), 100);
    assert.equal(range.headers['access-control-allow-origin'], '*');
    // An upload over uploads.maxBytes reaches the pod, which refuses it with its own problem.
    const tooBig = join(run.work, 'too-big.mp4');
    await sh('truncate', ['-s', String(UPLOAD_MAX_BYTES + 100 * 1024), tooBig]);
    const refused = await client.request(urlOf(2, '/api/v1/videos/upload'), { token, form: [['name', 'too big'], ['videofile', `@${tooBig};type=video/mp4`]], timeoutSeconds: 120 });
    assert.equal(refused.status, 413, refused.body.slice(0, 500));
    assert.match(refused.headers['content-type'] ?? '', /application\/problem\+json/, "the pod's problem, not nginx's page");
    assert.match(refused.json<{ detail: string }>().detail, new RegExp(`${UPLOAD_MAX_BYTES} bytes`), "the pod's own detail");
    // A JSON body over nginx's 2 MB bound is refused by nginx, in the pod's problem format.
    const oversized = await client.request(urlOf(0, '/api/v1/users/token'), { method: 'POST', json: { username: 'x'.repeat(3 * 1024 * 1024), password: 'y' } });
    assert.equal(oversized.status, 413);
    assert.equal(oversized.json<{ code: string }>().code, 'payload-too-large');
  });

  test('aria2c, on another host, downloads it through the https:// tracker (verified TLS) with pod 3 as its peer', async (t) => {
    assert.ok(run && video, 'uploaded');
    const dir = join(run.work, 'aria2');
    mkdirSync(dir, { recursive: true });
    const original = join(dir, 'original.torrent');
    await run.exec(net.client, 'curl', ['-sSf', '--cacert', ca.certPath, '-o', original, video.torrentUrl]);
    // The same info-hash with the HTTPS tracker only and no web seed: every byte from a peer.
    const torrentPath = join(dir, 'peers-only.torrent');
    const announce = `https://${POD_NAMES[2]}/tracker/announce`;
    writeFileSync(torrentPath, peersOnlyTorrent(readFileSync(original), announce));
    const result = await run.exec(net.client, 'aria2c', [
      `--dir=${join(dir, 'download')}`, `--ca-certificate=${ca.certPath}`, '--check-certificate=true',
      '--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false', '--enable-peer-exchange=false', '--disable-ipv6=true',
      '--seed-time=0', '--bt-stop-timeout=60', '--file-allocation=none', '--summary-interval=0', '--console-log-level=warn',
      `--log=${join(dir, 'aria2.log')}`, '--log-level=info', torrentPath,
    ], { timeoutMs: 90_000, allowFailure: true });
    const log = readFileSync(join(dir, 'aria2.log'), 'utf8');
    assert.equal(result.code, 0, `aria2c: ${result.stdout}${result.stderr}\n${log.slice(-3000)}`);
    assert.ok(log.includes('Connecting to 10.77.0.13:443') && log.includes('GET /tracker/announce?') && log.includes('Host: pod3.swarm.test'), 'aria2 announced to https://pod3.swarm.test/tracker/announce');
    assert.ok(log.includes('1 certificate(s) were imported'), "aria2 verified the tracker's certificate against the test's CA");
    assert.ok(log.includes('Connecting to 10.77.0.13:6881'), "the tracker handed out pod 3's address and peer port, and aria2 downloaded from it");
    const downloaded = readdirSync(join(dir, 'download')).filter((name) => !name.endsWith('.aria2'));
    assert.equal(downloaded.length, 1, JSON.stringify(downloaded));
    t.diagnostic(`aria2c downloaded ${statSync(join(dir, 'download', downloaded[0])).size} bytes from 10.77.0.13:6881`);
  });

  test("pod 3's tracker, behind nginx, hands out each client's own address (nginx is its trusted proxy), never nginx's 127.0.0.1", async () => {
    assert.ok(run && video, 'uploaded');
    const announce = async (port: number, peerId: string) => {
      const file = join(run!.work, `announce-${port}.bin`);
      const query = `info_hash=${[...Buffer.from(video!.infoHash, 'hex')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')}&peer_id=${peerId}&port=${port}&uploaded=0&downloaded=0&left=1000&compact=1&numwant=50&event=started`;
      // A client's own X-Forwarded-For is dropped by nginx: it cannot choose its address.
      await run!.exec(net.client, 'curl', ['-sSf', '--cacert', ca.certPath, '-H', 'x-forwarded-for: 203.0.113.99', '-o', file, `https://${POD_NAMES[2]}/tracker/announce?${query}`]);
      const decoded = bdecode(new Uint8Array(readFileSync(file)));
      assert.ok(decoded.ok && decoded.value instanceof Map, 'a bencoded announce answer');
      const peers = (decoded.value as Map<string, Decoded>).get('peers') as Uint8Array;
      assert.ok(peers instanceof Uint8Array, `compact peers: ${JSON.stringify([...(decoded.value as Map<string, Decoded>).keys()])}`);
      const list: string[] = [];
      for (let i = 0; i + 6 <= peers.length; i += 6) list.push(`${peers[i]}.${peers[i + 1]}.${peers[i + 2]}.${peers[i + 3]}:${(peers[i + 4] << 8) | peers[i + 5]}`);
      return list;
    };
    await announce(7001, '-XX0001-aaaaaaaaaaaa');
    const peers = await announce(7002, '-XX0001-bbbbbbbbbbbb');
    assert.ok(peers.includes(`${CLIENT_ADDRESS}:7001`), `the first client at its own address: ${JSON.stringify(peers)}`);
    assert.ok(peers.includes('10.77.0.13:6881'), `pod 3's seeder: ${JSON.stringify(peers)}`);
    assert.ok(!peers.some((peer) => peer.startsWith('127.') || peer.startsWith('203.0.113.')), `no proxy or forged address: ${JSON.stringify(peers)}`);
  });

  test("viewer A, at home behind its NAT, plays it on pod 1's site over HTTPS: a secure page, pod 3's wss tracker and https web seed, then pod 3's seeder over WebRTC", async (t) => {
    assert.ok(run && uuid, 'uploaded');
    const [homeA] = net.homes;
    const browser = await launchViewer(run, homeA.viewer, ca);
    browsers.push(browser);
    viewerA = await openViewerPage(browser);
    const { page } = viewerA;
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    const insecure: string[] = [];
    page.on('request', (request) => { if (/^(http|ws):/.test(request.url())) insecure.push(request.url()); });
    await page.goto(urlOf(0, `/videos/watch/${uuid}`));
    assert.equal(await page.textContent('[data-testid="video-title"]'), VIDEO_NAME);
    assert.equal(await inPage<boolean>(page, 'window.isSecureContext'), true, 'an HTTPS page is a secure context (the service worker needs one)');
    await waitPlayedPast(page, 3, 60_000);
    const figures = { fromViewers: await figure(page, 'p2p-from-viewers'), fromOrigin: await figure(page, 'p2p-from-origin'), fromWebSeed: await figure(page, 'p2p-from-webseed') };
    assert.ok(figures.fromViewers + figures.fromOrigin > 0, JSON.stringify(figures));
    assert.ok(sockets.includes(`wss://${POD_NAMES[2]}/tracker/socket`), `pod 3's tracker over wss: ${JSON.stringify(sockets)}`);
    assert.deepEqual(insecure, [], 'no http:// or ws:// request (no mixed content)');
    assert.ok(await inPage<boolean>(page, 'Boolean(navigator.serviceWorker.controller)'), 'the service worker streams to <video>');
    t.diagnostic(`viewer A: ${figures.fromViewers} bytes from viewers, ${figures.fromOrigin} from the origin pod (${figures.fromWebSeed} from its web seed)`);
    // Then pod 3's seeder joins over WebRTC through viewer A's NAT (the deadline web seed
    // served the first seconds while the offer went through pod 3's tracker).
    const seeded = await waitUntil("pod 3's seeder to send viewer A bytes over WebRTC", async () => {
      const bytes = (await figure(page, 'p2p-from-origin')) - (await figure(page, 'p2p-from-webseed'));
      return bytes > 0 ? bytes : undefined;
    }, 30_000);
    t.diagnostic(`viewer A then got ${seeded} bytes from pod 3's seeder over WebRTC`);
    assertNoConsoleErrors(viewerA, "viewer A's watch page");
  });

  test("viewer A's browser, with the ICE servers pod 1's site gave it, learns its NAT's address by STUN and gets a TURN relay", async (t) => {
    assert.ok(viewerA, 'viewer A plays');
    const [homeA] = net.homes;
    const gathered = await inPage<{ servers: string[]; candidates: string[] }>(viewerA.page, GATHER_WITH_SITE_SERVERS);
    assert.ok(gathered.servers.some((url) => url.startsWith(`stun:${TURN_ADDRESS}`)) && gathered.servers.some((url) => url.includes(`turn:${TURN_ADDRESS}`)), `the site's ICE servers: ${JSON.stringify(gathered.servers)}`);
    const srflx = gathered.candidates.filter((line) => / typ srflx /.test(line));
    const relay = gathered.candidates.filter((line) => / typ relay /.test(line));
    assert.ok(srflx.some((line) => line.includes(` ${homeA.publicAddress} `)), `a server-reflexive candidate at ${homeA.publicAddress}: ${JSON.stringify(gathered.candidates)}`);
    assert.ok(relay.some((line) => line.includes(` ${TURN_ADDRESS} `)), `a relayed candidate on the TURN server (credentials accepted): ${JSON.stringify(gathered.candidates)}`);
    t.diagnostic(`viewer A gathers: ${gathered.candidates.map((line) => line.replace(/^a=candidate:\S+ \d+ /, '')).join(' | ')}`);
  });

  test("viewer B, in the other home, gets bytes from viewer A over the path STUN found (a server-reflexive or peer-reflexive pair through both NATs)", async (t) => {
    assert.ok(run && viewerA, 'viewer A plays');
    const [homeA, homeB] = net.homes;
    await waitUntil('viewer A to hold the whole file', async () => ((await figure(viewerA!.page, 'p2p-progress')) >= 1 ? true : undefined), 90_000, 250);
    // Pod 3's uplink is now congested: half the video's bitrate for its bulk (web seed,
    // seeder), its tracker's small messages still flowing. Viewer B needs its neighbour
    // across the NATs to play.
    await net.throttleUplink(net.pods[2], ORIGIN_UPLINK);
    t.after(() => net.throttleUplink(net.pods[2], undefined));
    const browser = await launchViewer(run, homeB.viewer, ca);
    browsers.push(browser);
    const viewerB = await openViewerPage(browser);
    t.after(() => viewerB.context.close().catch(() => undefined));
    await viewerB.page.goto(urlOf(1, `/videos/watch/${uuid}`));
    await waitPlayedPast(viewerB.page, 3, 60_000);
    const pair = await waitUntil('a pair from viewer B to viewer A carrying bytes', async () => {
      const pairs = await selectedPairs(viewerB.page);
      return pairs.find((p) => p.remote.address === homeA.publicAddress && p.bytesReceived > FROM_NEIGHBOUR);
    }, 60_000, 250).catch(async (error: Error) => assert.fail(`${error.message}; viewer B's peer connections: ${JSON.stringify(await inPage(viewerB.page, PEER_DIAGNOSIS))}; viewer A's: ${JSON.stringify(await inPage(viewerA!.page, PEER_DIAGNOSIS))}; B's console: ${viewerB.errors().join(' | ')}`));
    assert.ok(['srflx', 'prflx'].includes(pair.remote.type), `viewer A is reached at its NAT's address, found by STUN: ${JSON.stringify(pair)}`);
    assert.notEqual(pair.local.type, 'relay', 'not relayed: the direct path through both NATs');
    const fromA = await selectedPairs(viewerA.page);
    assert.ok(fromA.some((p) => p.remote.address === homeB.publicAddress && p.bytesSent > 0), `viewer A sent to home B's address: ${JSON.stringify(fromA)}`);
    t.diagnostic(`viewer B <- viewer A: ${JSON.stringify(pair)}`);
    assertNoConsoleErrors(viewerB, "viewer B's watch page");
  });

  test('with UDP between the homes blocked, a new viewer in home B gets bytes from viewer A through TURN (a relayed pair)', async (t) => {
    assert.ok(run && viewerA, 'viewer A plays');
    const [, homeB] = net.homes;
    await net.blockUdpBetweenHomes(true);
    t.after(() => net.blockUdpBetweenHomes(false));
    await net.throttleUplink(net.pods[2], ORIGIN_UPLINK);
    t.after(() => net.throttleUplink(net.pods[2], undefined));
    const viewerC = await openViewerPage(browsers[1]);
    t.after(() => viewerC.context.close().catch(() => undefined));
    await viewerC.page.goto(urlOf(1, `/videos/watch/${uuid}`));
    await waitPlayedPast(viewerC.page, 3, 60_000);
    const pair = await waitUntil('a relayed pair carrying bytes', async () => {
      const pairs = await selectedPairs(viewerC.page);
      return pairs.find((p) => (p.local.type === 'relay' || p.remote.type === 'relay') && p.bytesReceived > FROM_NEIGHBOUR);
    }, 60_000, 250).catch(async (error: Error) => {
      const coturn = helpers.find((helper) => helper.name === 'coturn')?.output() ?? '';
      writeFileSync(join(run!.work, 'coturn.log'), coturn);
      const interesting = coturn.split('\n').filter((line) => /error|denied|forbidden|401|403|438|permission|allocation|refused/i.test(line)).slice(-40).join('\n');
      assert.fail(`${error.message}; the peer connections: ${JSON.stringify(await inPage(viewerC.page, PEER_DIAGNOSIS))}; viewer A's: ${JSON.stringify(await inPage(viewerA!.page, PEER_DIAGNOSIS))}\ncoturn:\n${interesting}\npod 3:\n${pods[2].output().slice(-2000)}`);
    });
    const fromA = await selectedPairs(viewerA.page);
    assert.ok(fromA.some((p) => (p.local.type === 'relay' || p.remote.type === 'relay' || p.remote.address === TURN_ADDRESS) && p.bytesSent > 0), `viewer A sends through the relay: ${JSON.stringify(fromA)}`);
    t.diagnostic(`home ${homeB.name} <- viewer A through TURN: ${JSON.stringify(pair)}`);
    assertNoConsoleErrors(viewerC, "the third viewer's watch page");
  });
});

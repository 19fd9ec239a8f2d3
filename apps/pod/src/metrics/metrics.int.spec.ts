import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HAS_ARIA2, h264AacMp4Faststart, peersOnlyTorrent, runAria2, tempDir, waitUntil } from '@swarmtube/testing';
import { EventLog } from '../event-log/event-log.js';
import { downloadOverWebRtc } from '../seeder/seeder-test-support.js';
import { Membership } from '../pods/membership.js';
import { PeerDirectory } from '../federation/peer-directory.js';
import { findRepositoryRoot } from '../repository-root.js';
import { startTestPod, type TestPod } from '../testing/test-pod.js';
import { VideoStorage } from '../videos/video-storage.js';
import { videoPublishedDraft } from '@swarmtube/testing';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { DEFAULT_METRICS_PREFIX, METRIC, METRIC_NAMES } from './metric-names.js';

/**
 * /metrics as an admin reads it: what a request, a web seed range, a BitTorrent download, an
 * upload and a federation delivery do to the figures; and the Grafana dashboard in deploy/
 * names only what a real pod exports.
 */

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format's samples (enough of it for the pod's own output). */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(match, `not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

async function scrape(pod: TestPod): Promise<{ text: string; samples: Sample[] }> {
  const response = await fetch(`${pod.baseUrl}/metrics`);
  assert.equal(response.status, 200);
  const text = await response.text();
  return { text, samples: parse(text) };
}

/** The value of the one sample of `name` whose labels include `labels`; 0 when there is none. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  assert.ok(found.length <= 1, `${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
  return found[0]?.value ?? 0;
}

async function current(pod: TestPod, name: string, labels: Record<string, string> = {}): Promise<number> {
  return valueOf((await scrape(pod)).samples, name, labels);
}

/**
 * The metric names a PromQL expression selects: what is left once strings, label matchers,
 * ranges, grouping clauses, function names, keywords and numbers are taken out.
 */
export function metricNamesIn(expr: string): string[] {
  let rest = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)[^)]*\)/g, ' $1 ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  rest = rest.replace(/\b[a-zA-Z_][a-zA-Z0-9_]*\s*\(/g, ' (');
  const keywords = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);
  return [...rest.matchAll(/(?<![\w$.])[a-zA-Z_:][a-zA-Z0-9_:]*/g)].map((m) => m[0]).filter((word) => !keywords.has(word.toLowerCase()));
}

describe('/metrics: what the pod serves', () => {
  let A: TestPod;
  let B: TestPod;
  let token: string;
  let video: { uuid: string; infoHash: string; webSeedUrls: string[]; torrentUrl: string };
  let fileSize: number;
  let jobsBefore: number;

  before(async () => {
    const quiet = { SWARMTUBE_HEALTH_PROBE_INTERVAL_SECONDS: '0' };
    [A, B] = await Promise.all([0, 1].map(() => startTestPod({ http: true, reachableHost: true, env: quiet })));
    for (const pod of [A, B]) await pod.startFederation();
    token = await A.adminToken();
    jobsBefore = await current(A, `${METRIC.videoJobDuration}_count`, { state: 'published' });
    const file = await h264AacMp4Faststart({ seconds: 3 });
    fileSize = statSync(file).size;
    const form = new FormData();
    form.set('name', 'Measured');
    form.set('videofile', new Blob([readFileSync(file)], { type: 'video/mp4' }), basename(file));
    const sent = await fetch(`${A.baseUrl}/api/v1/videos/upload`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    assert.equal(sent.status, 201, await sent.clone().text());
    const { uuid } = (await sent.json()) as { uuid: string };
    video = await waitUntil('the upload to be published', async () => {
      const answer = (await (await fetch(`${A.baseUrl}/api/v1/videos/${uuid}`)).json()) as typeof video & { state: string };
      assert.notEqual(answer.state, 'failed', JSON.stringify(answer));
      return answer.state === 'published' ? answer : undefined;
    }, 60_000, 50);
  }, { timeout: 120_000 });
  after(() => Promise.all([A, B].filter(Boolean).map((pod) => pod.destroy())), { timeout: 30_000 });

  test('a finished upload: one more job published, its duration observed, the jobs by state', async () => {
    const { samples } = await scrape(A);
    assert.equal(valueOf(samples, `${METRIC.videoJobDuration}_count`, { state: 'published' }), jobsBefore + 1);
    assert.ok(valueOf(samples, `${METRIC.videoJobDuration}_sum`, { state: 'published' }) > 0, 'a duration above 0 s');
    assert.equal(valueOf(samples, METRIC.videoJobs, { state: 'published' }), 1);
    assert.equal(valueOf(samples, METRIC.videoJobs, { state: 'processing' }), 0);
  });

  test('a web seed Range request of N bytes adds exactly N to the video\'s web seed bytes; a 416 and a HEAD add nothing', async () => {
    const labels = { video: video.uuid };
    const before = await scrape(A);
    const range = await fetch(video.webSeedUrls[0], { headers: { range: 'bytes=100-1099' } });
    assert.equal(range.status, 206);
    assert.equal((await range.arrayBuffer()).byteLength, 1000);
    const past = await fetch(video.webSeedUrls[0], { headers: { range: `bytes=${fileSize + 10}-` } });
    assert.equal(past.status, 416);
    await past.arrayBuffer();
    assert.equal((await fetch(video.webSeedUrls[0], { method: 'HEAD' })).status, 200);
    const after = await scrape(A);
    assert.equal(valueOf(after.samples, METRIC.videoWebSeedSentBytes, labels) - valueOf(before.samples, METRIC.videoWebSeedSentBytes, labels), 1000);
    assert.equal(valueOf(after.samples, METRIC.webSeedSentBytes) - valueOf(before.samples, METRIC.webSeedSentBytes), 1000);
    // The other files under /static are not the web seed.
    await (await fetch(video.torrentUrl)).arrayBuffer();
    assert.equal(await current(A, METRIC.webSeedSentBytes), valueOf(after.samples, METRIC.webSeedSentBytes));
  });

  test('an aborted web seed transfer counts what was written before the client left, not the file size', async (t) => {
    // 32 MiB: far more than loopback's socket buffers hold, so a client that stops reading
    // after its first chunk leaves most of the file unsent. Not a video the pod serves (no
    // per-video series for it), but a file of the web seed all the same (the total counts it).
    const name = `${randomUUID()}.mp4`;
    const size = 32 * 1024 * 1024;
    writeFileSync(join(A.get(VideoStorage).webVideosDir, name), Buffer.alloc(size, 7));
    const abortedBefore = await current(A, `${METRIC.httpRequestDuration}_count`, { method: 'GET', route: '/static/web-videos/:file', status: 'aborted' });
    const totalBefore = await current(A, METRIC.webSeedSentBytes);
    await new Promise<void>((resolve, reject) => {
      const request = http.get(`${A.baseUrl}/static/web-videos/${name}`, (response) => {
        assert.equal(response.statusCode, 200);
        response.once('data', () => {
          request.destroy();
          resolve();
        });
      });
      request.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
    });
    const { samples, text } = await waitUntil('the pod to see the client leave', async () => {
      const scraped = await scrape(A);
      return valueOf(scraped.samples, `${METRIC.httpRequestDuration}_count`, { method: 'GET', route: '/static/web-videos/:file', status: 'aborted' }) > abortedBefore ? scraped : undefined;
    }, 10_000, 50);
    const sent = valueOf(samples, METRIC.webSeedSentBytes) - totalBefore;
    assert.ok(sent > 0 && sent < size / 2, `${sent} bytes counted of a ${size}-byte file`);
    t.diagnostic(`aborted after the first chunk: ${sent} bytes counted of ${size}`);
    assert.ok(!text.includes(name.slice(0, 36)), 'no series for a file of no served video');
  });

  test('a 404 shows in the request histogram with status 404 and the route template, never the raw path', async () => {
    const missing = randomUUID();
    assert.equal((await fetch(`${A.baseUrl}/api/v1/videos/${missing}`)).status, 404);
    assert.equal((await fetch(`${A.baseUrl}/api/v1/no-such-thing/${missing}`)).status, 404);
    const { text, samples } = await scrape(A);
    assert.ok(valueOf(samples, `${METRIC.httpRequestDuration}_count`, { method: 'GET', route: '/api/v1/videos/:uuid', status: '404' }) >= 1);
    assert.ok(valueOf(samples, `${METRIC.httpRequestDuration}_count`, { method: 'GET', route: '(unmatched)', status: '404' }) >= 1);
    assert.ok(valueOf(samples, `${METRIC.httpRequestDuration}_count`, { method: 'GET', route: '/static/web-videos/:file', status: '206' }) >= 1);
    assert.ok(!text.includes(missing), 'no label holds the requested id');
    assert.ok(!text.includes(`route="/api/v1/videos/${video.uuid}"`));
  });

  test('aria2c downloading from the seeder raises its TCP bytes by the file size, and the announces by one more ok over HTTP', { skip: !HAS_ARIA2 && 'aria2c is not installed', timeout: 120_000 }, async (t) => {
    const labels = { video: video.uuid, protocol: 'tcp' };
    const before = await scrape(A);
    const dir = tempDir('swarmtube-metrics-aria2-');
    try {
      // Peers only (no web seed in the torrent), so that every byte comes from the seeder.
      const torrentPath = join(dir.path, 'peers-only.torrent');
      writeFileSync(torrentPath, peersOnlyTorrent(Buffer.from(await (await fetch(video.torrentUrl)).arrayBuffer()), `${A.baseUrl}/tracker/announce`));
      const run = await runAria2(torrentPath, join(dir.path, 'download'), { extraArgs: ['--bt-save-metadata=false'] });
      assert.equal(await run.exited(90_000), 0, run.output());
      const sent = await waitUntil('the seeder to count what it sent', async () => {
        const value = (await current(A, METRIC.videoSeederSentBytes, labels)) - valueOf(before.samples, METRIC.videoSeederSentBytes, labels);
        return value >= fileSize ? value : undefined;
      }, 10_000, 50);
      // Every piece once, give or take the pieces asked twice at the end.
      assert.ok(sent <= fileSize * 1.25, `${sent} bytes sent for a file of ${fileSize}`);
      t.diagnostic(`the seeder sent ${sent} bytes over TCP for a file of ${fileSize}`);
      const after = await scrape(A);
      assert.ok(valueOf(after.samples, METRIC.seederSentBytes, { protocol: 'tcp' }) - valueOf(before.samples, METRIC.seederSentBytes, { protocol: 'tcp' }) >= fileSize);
      assert.ok(valueOf(after.samples, METRIC.trackerAnnounces, { protocol: 'http', result: 'ok' }) > valueOf(before.samples, METRIC.trackerAnnounces, { protocol: 'http', result: 'ok' }));
      assert.equal(valueOf(after.samples, METRIC.videoWebSeedSentBytes, { video: video.uuid }), valueOf(before.samples, METRIC.videoWebSeedSentBytes, { video: video.uuid }), 'nothing from the web seed');
      assert.ok(valueOf(after.samples, METRIC.trackerSwarms) >= 1);
      assert.ok(valueOf(after.samples, METRIC.trackerPeers, { role: 'seeder' }) >= 1, 'the seeder is in its swarm');
      assert.equal(valueOf(after.samples, METRIC.seederTorrents), 1);
    } finally {
      dir.remove();
    }
  });

  test('a webtorrent client downloading over WebRTC raises the seeder\'s webrtc bytes, and the WebSocket announces', { timeout: 120_000 }, async (t) => {
    const labels = { video: video.uuid, protocol: 'webrtc' };
    const before = await scrape(A);
    const dir = tempDir('swarmtube-metrics-webrtc-');
    try {
      const torrent = Buffer.from(await (await fetch(video.torrentUrl)).arrayBuffer());
      const download = await downloadOverWebRtc(torrent, `ws://127.0.0.1:${A.port}/tracker/socket`, dir.path, 30_000);
      assert.equal(download.wireType, 'webrtc');
      const sent = await waitUntil('the seeder to count what it sent over WebRTC', async () => {
        const value = (await current(A, METRIC.videoSeederSentBytes, labels)) - valueOf(before.samples, METRIC.videoSeederSentBytes, labels);
        return value >= fileSize ? value : undefined;
      }, 10_000, 50);
      assert.ok(sent <= fileSize * 1.25, `${sent} bytes sent for a file of ${fileSize}`);
      t.diagnostic(`the seeder sent ${sent} bytes over WebRTC for a file of ${fileSize}`);
      const after = await scrape(A);
      assert.ok(valueOf(after.samples, METRIC.trackerAnnounces, { protocol: 'ws', result: 'ok' }) > valueOf(before.samples, METRIC.trackerAnnounces, { protocol: 'ws', result: 'ok' }));
    } finally {
      dir.remove();
    }
  });

  test('an announce for a torrent the pod does not serve counts as refused, with its code', async () => {
    const before = await scrape(A);
    const query = `info_hash=${'%01'.repeat(20)}&peer_id=${'-XX0001-'}${'a'.repeat(12)}&port=6881&uploaded=0&downloaded=0&left=0&compact=1`;
    assert.equal((await fetch(`${A.baseUrl}/tracker/announce?${query}`)).status, 200);
    const after = await scrape(A);
    assert.equal(valueOf(after.samples, METRIC.trackerAnnounces, { protocol: 'http', result: 'refused' }) - valueOf(before.samples, METRIC.trackerAnnounces, { protocol: 'http', result: 'refused' }), 1);
    assert.equal(valueOf(after.samples, METRIC.trackerFailures, { code: 'unknownTorrent' }) - valueOf(before.samples, METRIC.trackerFailures, { code: 'unknownTorrent' }), 1);
  });

  test('a friend acknowledging an event is observed in the delivery latency and request durations', { timeout: 90_000 }, async () => {
    const before = await scrape(A);
    await B.get(Membership).makeFriends([A.config.host]);
    await waitUntil('A and B to be friends', async () => (await A.get(PeerDirectory).friendshipWith(B.actor))?.status === 'accepted' && (await B.get(PeerDirectory).friendshipWith(A.actor))?.status === 'accepted', 60_000);
    const { stream, draft } = videoPublishedDraft();
    await A.get(EventLog).append(stream, [draft], { expectedVersion: 'no-stream' });
    const count = await waitUntil('A to deliver to B', async () => {
      const value = await current(A, `${METRIC.federationDeliveryLatency}_count`);
      return value > valueOf(before.samples, `${METRIC.federationDeliveryLatency}_count`) ? value : undefined;
    }, 60_000, 100);
    assert.ok(count >= 1);
    const after = await scrape(A);
    assert.ok(valueOf(after.samples, `${METRIC.federationDeliveryDuration}_count`, { result: 'ok' }) >= 1);
  });

  test('the Grafana dashboard parses and its queries name only metrics the pod exports', async () => {
    const dashboard = JSON.parse(readFileSync(join(findRepositoryRoot(), 'deploy', 'grafana', 'swarmtube-dashboard.json'), 'utf8')) as {
      panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }>;
      templating: { list: Array<{ query?: string | { query: string } }> };
    };
    const expressions = [
      ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)),
      ...dashboard.templating.list.flatMap((variable) => (typeof variable.query === 'object' ? [variable.query.query] : [])),
    ];
    assert.ok(dashboard.panels.filter((panel) => panel.type !== 'row').length >= 10, 'a real dashboard');
    const used = new Set(expressions.flatMap(metricNamesIn));
    assert.ok(used.size >= 10, [...used].join(', '));
    const exported = new Set((await scrape(A)).samples.map((sample) => sample.name));
    for (const name of used) {
      const base = name.replace(/_(bucket|sum|count)$/, '');
      assert.ok((METRIC_NAMES as readonly string[]).includes(name) || (METRIC_NAMES as readonly string[]).includes(base), `${name} is not in metric-names.ts`);
      assert.ok(exported.has(name), `${name} is not in the pod's /metrics`);
    }
    // Everything the brief's panels need is there.
    for (const name of [METRIC.httpRequestDuration, METRIC.webSeedSentBytes, METRIC.seederSentBytes, METRIC.trackerAnnounces, METRIC.trackerSwarms, METRIC.videoJobs, METRIC.federationDeliveryLatency]) {
      assert.ok([...used].some((usedName) => usedName.startsWith(name)), `the dashboard shows ${name}`);
    }
  });

  test('metric-names.ts is the list of what /metrics exports: every name there, nothing else but the process metrics', async () => {
    const defaults = new Registry();
    collectDefaultMetrics({ register: defaults, prefix: DEFAULT_METRICS_PREFIX });
    const processMetrics = new Set(defaults.getMetricsAsArray().map((metric) => metric.name));
    const typed = [...(await scrape(A)).text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]);
    assert.deepEqual(typed.filter((name) => !processMetrics.has(name)).sort(), [...METRIC_NAMES].sort());
  });

  test('the PromQL name extraction sees selectors, not functions, labels or ranges', () => {
    assert.deepEqual(
      metricNamesIn('histogram_quantile(0.95, sum by (le, route) (rate(a_bucket{instance=~"$instance", x="y{z}"}[$__rate_interval]))) / on(job) b + c offset 5m'),
      ['a_bucket', 'b', 'c'],
    );
    assert.deepEqual(metricNamesIn('label_values(swarmtube_x, instance)'), ['swarmtube_x']);
  });

  test('a deleted video leaves /metrics: its per-video series go, the totals stay', async () => {
    const total = await current(A, METRIC.webSeedSentBytes);
    const deleted = await fetch(`${A.baseUrl}/api/v1/videos/${video.uuid}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    assert.equal(deleted.status, 204);
    const { text, samples } = await waitUntil('the video to leave the registry', async () => {
      const scraped = await scrape(A);
      return scraped.text.includes(`video="${video.uuid}"`) ? undefined : scraped;
    }, 10_000, 50);
    assert.ok(!text.includes(video.uuid));
    assert.equal(valueOf(samples, METRIC.webSeedSentBytes), total);
  });
});

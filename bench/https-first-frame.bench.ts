import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { createPodProcess } from '../libs/testing/src/pod-process.js';
import { CHROMIUM, CHROMIUM_ARGS, openPage } from '../test/support/browser.js';
import { uploadVideo, waitForState } from '../test/support/videos.js';
import { median, printFigure, printSummary, round } from './lib/bench-report.js';
import { httpsPod, inNamespace, makeTestCa } from './lib/https-netns.js';
import { makeH264Mp4 } from './lib/pod-upload.js';

/**
 * First frame on the watch page over HTTPS (a pod whose public URL is https://127.0.0.2,
 * behind the repository's nginx site: TLS 1.3, HTTP/2, its web seed and tracker through
 * nginx) against the same page over plain HTTP (a pod on http://127.0.0.1:<port>), same run,
 * same video uploaded to both (issue 10's figures; goal: within 1.2x). Debian's Chromium
 * (playwright-core, headless, the e2e tests' flags), trusting the run's CA through an NSS
 * database, as bench/first-frame.bench.ts measures: a fresh browser context per visit (no
 * cache, no service worker yet), the P2P panel's `data-at` (first frame, from navigation).
 * Two modes: P2P off (web seed only) and P2P on (the pod's WebRTC seeder, the web seed on
 * standby). Rounds alternate which pod goes first.
 *
 * Runs inside a network namespace of its own (bench/lib/https-netns.ts): root only.
 *
 *   node dist/bench/https-first-frame.bench.js
 *   env: BENCH_ROUNDS=5 BENCH_VIDEO_BITRATE=4M BENCH_VIDEO_SECONDS=10
 */

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const VIDEO = { seconds: Number(process.env.BENCH_VIDEO_SECONDS ?? 10), width: 1280, height: 720, fps: 25, videoBitrate: process.env.BENCH_VIDEO_BITRATE ?? '4M', noise: 12 };
const GOAL = 1.2;
const TIMEOUT_MS = 60_000;

async function firstFrame(browser: Browser, url: string, p2p: boolean): Promise<number> {
  const watched = await openPage(browser, { localStorage: { 'swarmtube.p2p': p2p ? 'on' : 'off' } });
  try {
    await watched.page.goto(url);
    await watched.page.waitForSelector('[data-testid="p2p-first-frame"][data-playing-at]', { timeout: TIMEOUT_MS });
    const errors = watched.errors();
    if (errors.length > 0) throw new Error(`console errors on ${url}: ${errors.join('\n')}`);
    return Number(await watched.page.getAttribute('[data-testid="p2p-first-frame"]', 'data-at'));
  } finally {
    await watched.context.close();
  }
}

await inNamespace(fileURLToPath(import.meta.url), async (work) => {
  const ca = await makeTestCa(join(work, 'ca'));
  const stops: Array<() => Promise<void>> = [];
  let browser: Browser | undefined;
  try {
    const file = join(work, 'video.mp4');
    await makeH264Mp4(file, VIDEO);
    const secure = await httpsPod(work, ca, 'HTTPS pod', '127.0.0.2');
    stops.push(() => secure.nginx.stop(), () => secure.pod.destroy());
    const plain = await createPodProcess({ name: 'HTTP pod' });
    stops.push(() => plain.destroy());
    await plain.start();
    const home = await ca.nssHome(join(work, 'chromium-home'));
    mkdirSync(home, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, env: { ...process.env, HOME: home }, timeout: 60_000 });

    const pages: Record<'http' | 'https', string> = { http: '', https: '' };
    for (const [label, pod, origin] of [['http', plain, plain.baseUrl], ['https', secure.pod, secure.publicUrl]] as const) {
      const { uuid } = await uploadVideo(pod, await pod.adminToken(), file, { name: 'First frame over HTTPS' });
      await waitForState(pod, uuid, 'published', 120_000);
      pages[label] = `${origin}/videos/watch/${uuid}`;
    }
    console.log(`  video: ${(statSync(file).size / 1e6).toFixed(1)} MB, ${VIDEO.seconds} s, ${VIDEO.width}x${VIDEO.height} at ${VIDEO.videoBitrate}bit/s; ${ROUNDS} rounds; ${pages.https} vs ${pages.http}`);
    // One visit each first: the pods' seeders and the site's files warm, as for any visitor after the first.
    for (const url of [pages.http, pages.https]) await firstFrame(browser, url, true);

    const results: Record<string, number[]> = {};
    for (let r = 0; r < ROUNDS; r++) {
      for (const p2p of [false, true]) {
        for (const label of (r % 2 === 0 ? ['http', 'https'] : ['https', 'http']) as Array<'http' | 'https'>) {
          const ms = await firstFrame(browser, pages[label], p2p);
          (results[`${label} ${p2p ? 'p2p-on' : 'p2p-off'}`] ??= []).push(ms);
          console.log(`  round ${r + 1} ${label.padEnd(5)} ${p2p ? 'P2P on ' : 'P2P off'} first frame ${ms.toFixed(0).padStart(5)} ms from navigation`);
        }
      }
    }
    const summary: Record<string, unknown> = { bench: 'https-first-frame', rounds: ROUNDS, goal: GOAL };
    for (const mode of ['p2p-off', 'p2p-on']) {
      const http = median(results[`http ${mode}`]);
      const https = median(results[`https ${mode}`]);
      printFigure({ name: `${mode}: plain HTTP, first frame from navigation (median)`, value: round(http, 0), unit: 'ms' });
      printFigure({ name: `${mode}: HTTPS through nginx, first frame from navigation (median)`, value: round(https, 0), unit: 'ms' });
      printFigure({ name: `${mode}: ratio HTTPS / HTTP (goal <= ${GOAL})`, value: round(https / http, 2), unit: 'x' });
      summary[mode] = { httpMs: round(http, 0), httpsMs: round(https, 0), ratio: round(https / http, 2) };
    }
    printSummary(summary);
  } finally {
    await browser?.close();
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
});

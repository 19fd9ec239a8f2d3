import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { createPodProcess } from '@swarmtube/testing';
import { launchChromium, openPage, type WatchedPage } from '../test/support/browser.js';
import { uploadVideo, waitForState } from '../test/support/videos.js';
import { median, printFigure, printSummary, round } from './lib/bench-report.js';
import { makeH264Mp4 } from './lib/pod-upload.js';

/**
 * Time to first frame of a 20 MB video on the site's watch page (issue: the Vue site), on
 * loopback, in Debian's Chromium (playwright-core, headless, the e2e tests' flags). One pod
 * (its own process, SQLite, no seeding cap) holds the video: an H.264/AAC faststart MP4,
 * 1280x720, 20 s at 8 Mbit/s (bench/lib makeH264Mp4, about 20 MB).
 *
 * Each round opens a fresh browser context (no cache, no service worker yet: a viewer who
 * follows a shared link) per mode, and reads the P2P panel's start figures:
 *   - first frame from navigation: performance.now() of the page when the first frame was
 *     presented (requestVideoFrameCallback), i.e. page, scripts, API call, webtorrent chunk,
 *     service worker, .torrent and the first pieces;
 *   - first frame from the start of playback: from the torrent added (or, P2P off, the web
 *     seed) to that frame;
 *   - playing: the `playing` event (autoplay waits until the browser thinks it has enough).
 * Modes: P2P off (web seed only, no tracker); P2P on with the pod's WebRTC seeder (the web
 * seed on standby); P2P on with a seeding browser too (another context that watched the
 * whole video and keeps its page open).
 * Anchor, same round: a bare <video src=web seed> in a script-free page of a fresh context, from
 * setting src to its first frame: what the browser's own progressive download does.
 *
 *   node dist/bench/first-frame.bench.js
 *   env: BENCH_ROUNDS=5 BENCH_VIDEO_BITRATE=8M BENCH_VIDEO_SECONDS=20
 */

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const VIDEO = {
  seconds: Number(process.env.BENCH_VIDEO_SECONDS ?? 20),
  width: 1280,
  height: 720,
  fps: 25,
  videoBitrate: process.env.BENCH_VIDEO_BITRATE ?? '8M',
  noise: 12,
};
const TIMEOUT_MS = 30_000;

type Mode = 'p2p-off' | 'p2p-on-pod-seeder' | 'p2p-on-browser-seed';
const MODES: Mode[] = ['p2p-off', 'p2p-on-pod-seeder', 'p2p-on-browser-seed'];

interface Start {
  /** ms from navigation to the first frame. */
  fromNavigation: number;
  /** ms from the start of playback to the first frame. */
  fromPlayback: number;
  /** ms from navigation to `playing`. */
  playing: number;
  /** 0..1 of the file in the page at the first frame. */
  progress: number;
  fromPeers: number;
  fromWebSeed: number;
}

async function attr(watched: WatchedPage, name: string): Promise<number> {
  return Number(await watched.page.getAttribute('[data-testid="p2p-first-frame"]', name));
}

async function watch(browser: Browser, url: string, p2p: boolean): Promise<{ start: Start; watched: WatchedPage }> {
  const watched = await openPage(browser, { localStorage: { 'swarmtube.p2p': p2p ? 'on' : 'off' } });
  await watched.page.goto(url);
  await watched.page.waitForSelector('[data-testid="p2p-first-frame"][data-playing-at]', { timeout: TIMEOUT_MS });
  const figure = async (id: string) => Number(await watched.page.getAttribute(`[data-testid="${id}"]`, 'data-value'));
  const start: Start = {
    fromNavigation: await attr(watched, 'data-at'),
    fromPlayback: await attr(watched, 'data-value'),
    playing: await attr(watched, 'data-playing-at'),
    progress: await attr(watched, 'data-progress'),
    // Peers: other viewers and the origin's seeder (WebRTC); the web seed: HTTP.
    fromPeers: (await figure('p2p-from-viewers')) + (await figure('p2p-from-origin')) - (await figure('p2p-from-webseed')),
    fromWebSeed: await figure('p2p-from-webseed'),
  };
  const errors = watched.errors();
  if (errors.length > 0) throw new Error(`console errors on the watch page: ${errors.join('\n')}`);
  return { start, watched };
}

/** The anchor: the browser's own <video> on the web seed URL. */
async function bareVideo(browser: Browser, src: string, blank: string): Promise<{ firstFrame: number; playing: number }> {
  const watched = await openPage(browser);
  try {
    // A page of the pod's origin with no script of its own (the video's thumbnail): Chromium
    // refuses loopback media in about:blank.
    await watched.page.goto(blank);
    const result = (await watched.page.evaluate(`new Promise((resolve, reject) => {
      const video = document.createElement('video');
      video.autoplay = true;
      video.muted = true;
      let firstFrame = null;
      const t0 = performance.now();
      video.requestVideoFrameCallback(() => { firstFrame = performance.now() - t0; });
      video.addEventListener('playing', () => {
        const playing = performance.now() - t0;
        const wait = () => (firstFrame === null ? video.requestVideoFrameCallback(wait) : resolve({ firstFrame, playing }));
        wait();
      }, { once: true });
      video.addEventListener('error', () => reject(new Error('video error ' + (video.error && video.error.message))));
      setTimeout(() => reject(new Error('no first frame')), ${TIMEOUT_MS});
      video.src = ${JSON.stringify(src)};
      document.body.append(video);
    })`)) as { firstFrame: number; playing: number };
    return result;
  } finally {
    await watched.context.close();
  }
}

const work = mkdtempSync(join(tmpdir(), 'swarmtube-first-frame-'));
const file = join(work, 'video.mp4');
const pod = await createPodProcess({ name: 'First-frame pod' });
let browser: Browser | undefined;
try {
  await makeH264Mp4(file, VIDEO);
  const bytes = statSync(file).size;
  await pod.start();
  browser = await launchChromium();
  const { uuid } = await uploadVideo(pod, await pod.adminToken(), file, { name: 'First frame bench' });
  const video = await waitForState(pod, uuid, 'published', 120_000);
  const url = `${pod.baseUrl}/videos/watch/${uuid}`;
  console.log(`  video: ${(bytes / 1e6).toFixed(1)} MB, ${video.duration} s, ${VIDEO.width}x${VIDEO.height} at ${VIDEO.videoBitrate}bit/s; ${ROUNDS} rounds`);

  // The seeding browser: it watches the whole video once and keeps its page open.
  const seeder = await watch(browser, url, true);
  await seeder.watched.page.waitForSelector('[data-testid="p2p-progress"][data-value="1"]', { timeout: 60_000 });

  const results: Record<Mode | 'anchor', Array<Start | { firstFrame: number; playing: number }>> = { 'p2p-off': [], 'p2p-on-pod-seeder': [], 'p2p-on-browser-seed': [], anchor: [] };
  for (let r = 0; r < ROUNDS; r++) {
    results.anchor.push(await bareVideo(browser, video.webSeedUrls[0], video.thumbnailUrl));
    for (const mode of MODES) {
      // The pod-seeder mode runs with the seeding browser's page closed.
      if (mode === 'p2p-on-pod-seeder' && !seeder.watched.page.isClosed()) await seeder.watched.page.goto('about:blank');
      if (mode === 'p2p-on-browser-seed') {
        await seeder.watched.page.goto(url);
        await seeder.watched.page.waitForSelector('[data-testid="p2p-progress"][data-value="1"]', { timeout: 60_000 });
      }
      const { start, watched } = await watch(browser, url, mode !== 'p2p-off');
      await watched.context.close();
      results[mode].push(start);
      console.log(`  round ${r + 1} ${mode.padEnd(20)} first frame ${start.fromNavigation.toFixed(0).padStart(5)} ms from navigation, ${start.fromPlayback.toFixed(0).padStart(5)} ms from playback start (${Math.round(start.progress * 100)} % of the file), playing ${start.playing.toFixed(0)} ms; ${(start.fromPeers / 1e6).toFixed(1)} MB from peers, ${(start.fromWebSeed / 1e6).toFixed(1)} MB from the web seed by then`);
    }
  }
  await seeder.watched.context.close();

  const anchor = results.anchor as Array<{ firstFrame: number; playing: number }>;
  const anchorFirst = median(anchor.map((a) => a.firstFrame));
  const anchorPlaying = median(anchor.map((a) => a.playing));
  printFigure({ name: 'anchor: bare <video src=web seed>, first frame from src', value: round(anchorFirst, 0), unit: 'ms' });
  printFigure({ name: 'anchor: bare <video src=web seed>, playing from src', value: round(anchorPlaying, 0), unit: 'ms' });
  const summary: Record<string, unknown> = { bench: 'first-frame', videoMB: round(bytes / 1e6, 1), rounds: ROUNDS, anchorFirstFrameMs: round(anchorFirst, 0), anchorPlayingMs: round(anchorPlaying, 0) };
  for (const mode of MODES) {
    const list = results[mode] as Start[];
    const fromNavigation = median(list.map((s) => s.fromNavigation));
    const fromPlayback = median(list.map((s) => s.fromPlayback));
    const playing = median(list.map((s) => s.playing));
    printFigure({ name: `${mode}: first frame from navigation`, value: round(fromNavigation, 0), unit: 'ms' });
    printFigure({ name: `${mode}: first frame from playback start`, value: round(fromPlayback, 0), unit: 'ms' });
    printFigure({ name: `${mode}: playing from navigation`, value: round(playing, 0), unit: 'ms' });
    printFigure({ name: `${mode}: ratio first frame from playback start / anchor`, value: round(fromPlayback / anchorFirst, 2), unit: 'x' });
    summary[mode] = { firstFrameFromNavigationMs: round(fromNavigation, 0), firstFrameFromPlaybackMs: round(fromPlayback, 0), playingFromNavigationMs: round(playing, 0), ratioToAnchor: round(fromPlayback / anchorFirst, 2) };
  }
  printSummary(summary);
} finally {
  await browser?.close();
  await pod.destroy();
  rmSync(work, { recursive: true, force: true });
}

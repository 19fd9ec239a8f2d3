import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { createPodProcess, swarmSizedMp4, type PodProcess } from '@swarmtube/testing';
import { launchChromium } from '../test/support/browser.js';
import { describeRun, runOffload, type OffloadRun } from '../test/support/offload.js';
import { uploadVideo, waitForState } from '../test/support/videos.js';
import { printSummary, round } from './lib/bench-report.js';

/**
 * Offload (issue 11): N Chromium viewers (separate contexts) open one pod's watch page 5 s
 * apart and watch the video to the end; the bytes each got from the pod (web seed responses,
 * WebRTC connections to the pod's own UDP ports) and from elsewhere are measured from outside
 * the site's code (test/support/offload.ts). Per run: the bytes from the pod over the bytes
 * delivered, beside the bound 1/N (every byte from the pod once, the rest from viewers), the
 * copies of the file the pod sent, the first frame of the slowest viewer, stalls, and how busy
 * the machine was (the machine's CPU over the run; load average at its end).
 *
 * Anchor in the same run: the same scenario with 6 viewers on a pod whose seeder does not
 * super-seed (`seeding.superSeeding: false`), the page's deadline web seed unchanged. Stated
 * anchors (not runnable here): p2p-media-loader's best case, 90 % offload with 10 peers;
 * PeerTube's 1,000-browser test, 98 % for on-demand video.
 *
 *   node dist/bench/offload.bench.js
 *   env: BENCH_VIEWERS=4,6,8,10 BENCH_VIDEO_SECONDS=20 BENCH_GAP_MS=5000 BENCH_ANCHOR=1 BENCH_CAP=0 (bytes/s)
 */

const VIEWERS = (process.env.BENCH_VIEWERS ?? '4,6,8,10').split(',').map(Number).filter((n) => n > 0);
const SECONDS = Number(process.env.BENCH_VIDEO_SECONDS ?? 20);
const GAP_MS = Number(process.env.BENCH_GAP_MS ?? 5000);
const ANCHOR = process.env.BENCH_ANCHOR !== '0';
const CAP = Number(process.env.BENCH_CAP ?? 0);

function row(label: string, run: OffloadRun): void {
  const n = run.viewers.length;
  const slowest = Math.max(...run.viewers.map((v) => v.firstFrameMs));
  const stalls = run.viewers.reduce((sum, v) => sum + v.stalls, 0);
  const stalledMs = run.viewers.reduce((sum, v) => sum + v.stalledMs, 0);
  console.log(
    `  ${label.padEnd(28)} N=${String(n).padStart(2)}  pod/delivered ${(1 - run.offload).toFixed(3)} (bound 1/N ${(1 / n).toFixed(3)})  copies ${run.copies.toFixed(2)}  offload ${run.offload.toFixed(3)}  slowest first frame ${Math.round(slowest)} ms  stalls ${stalls} (${Math.round(stalledMs)} ms)  CPU ${Math.round(run.cpuBusy * 100)} % busy, load ${run.load.toFixed(1)}`,
  );
}

const work = mkdtempSync(join(tmpdir(), 'swarmtube-offload-'));
const file = join(work, 'offload.mp4');
const pods: PodProcess[] = [];
let browser: Browser | undefined;
try {
  copyFileSync(await swarmSizedMp4({ seconds: SECONDS }), file);
  const bytes = statSync(file).size;
  const capEnv = CAP > 0 ? { SWARMTUBE_SEEDING_UPLOAD_LIMIT_BYTES_PER_SECOND: String(CAP) } : {};
  const ours = await createPodProcess({ name: 'Offload pod', env: capEnv });
  const anchor = ANCHOR ? await createPodProcess({ name: 'Anchor pod', env: { ...capEnv, SWARMTUBE_SEEDING_SUPER_SEEDING: 'false' } }) : null;
  pods.push(ours, ...(anchor ? [anchor] : []));
  const [launched] = await Promise.all([launchChromium(), ...pods.map((pod) => pod.start())]);
  browser = launched as Browser;
  const urls = new Map<PodProcess, string>();
  for (const pod of pods) {
    const { uuid } = await uploadVideo(pod, await pod.adminToken(), file, { name: 'Offload bench' });
    await waitForState(pod, uuid, 'published', 120_000);
    urls.set(pod, `${pod.baseUrl}/videos/watch/${uuid}`);
  }
  console.log(`  video: ${(bytes / 1e6).toFixed(2)} MB, ${SECONDS} s; viewers ${GAP_MS / 1000} s apart; seeder cap ${CAP > 0 ? `${CAP} B/s` : 'none'}`);
  const summary: Record<string, unknown> = { bench: 'offload', videoMB: round(bytes / 1e6, 2), seconds: SECONDS, cap: CAP, runs: [] as unknown[] };
  const timeoutMs = (SECONDS + 60) * 1000;
  if (anchor) {
    const run = await runOffload(browser, anchor, urls.get(anchor)!, { viewers: 6, gapMs: GAP_MS, fileBytes: bytes, timeoutMs });
    console.log(describeRun(run));
    row('anchor: no super-seeding', run);
    (summary.runs as unknown[]).push({ label: 'anchor', viewers: 6, podShare: round(1 - run.offload, 3), copies: round(run.copies, 2), cpuBusy: round(run.cpuBusy, 2), load: round(run.load, 1) });
  }
  for (const n of VIEWERS) {
    const run = await runOffload(browser, ours, urls.get(ours)!, { viewers: n, gapMs: GAP_MS, fileBytes: bytes, timeoutMs });
    console.log(describeRun(run));
    row('super-seeding + deadlines', run);
    const slowest = Math.max(...run.viewers.map((v) => v.firstFrameMs));
    (summary.runs as unknown[]).push({
      label: 'ours',
      viewers: n,
      podShare: round(1 - run.offload, 3),
      bound: round(1 / n, 3),
      copies: round(run.copies, 2),
      offload: round(run.offload, 3),
      slowestFirstFrameMs: Math.round(slowest),
      stalls: run.viewers.reduce((sum, v) => sum + v.stalls, 0),
      cpuBusy: round(run.cpuBusy, 2),
      load: round(run.load, 1),
    });
  }
  console.log('  stated anchors: p2p-media-loader 90 % offload with 10 peers (best case); PeerTube 98 % for on-demand video (1,000 browsers)');
  printSummary(summary);
} finally {
  await browser?.close();
  await Promise.all(pods.map((pod) => pod.destroy()));
  rmSync(work, { recursive: true, force: true });
}

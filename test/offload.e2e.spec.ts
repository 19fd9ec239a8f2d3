import assert from 'node:assert/strict';
import { copyFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { createPodProcess, swarmSizedMp4, tempDir, type PodProcess } from '@swarmtube/testing';
import { HAS_CHROMIUM, launchChromium } from './support/browser.js';
import { describeRun, runOffload, type OffloadRun } from './support/offload.js';
import { uploadVideo, waitForState } from './support/videos.js';

/**
 * Offload (issue 11): six viewers, each a Chromium context of its own, open one pod's watch page
 * 5 s apart and watch a 20 s video to the end; where every byte came from is measured from
 * outside the site's code (test/support/offload.ts: web seed responses, WebRTC stats per
 * connection, told apart by the pod process's own UDP ports). The pod's seeder super-seeds and
 * the page uses the web seed only for deadlines, so the pod sends about one copy of the file
 * and the viewers carry the rest; capping the seeder must not make the pod send more (before
 * issue 11 it did: the page then took the rest over HTTP from the same pod).
 *
 * Byte shares, not timings, are asserted: the machine's two cores are shared.
 */
const VIEWERS = 6;
const GAP_MS = 5000;
/** Half the video's bitrate (about 2.1 Mbit/s): the seeder alone cannot keep one viewer playing. */
const CAP = 128 * 1024;

describe('offload: six viewers of one pod', { skip: HAS_CHROMIUM ? false : 'no Chromium at /usr/bin/chromium' }, () => {
  let browser: Browser;
  let open: PodProcess;
  let capped: PodProcess;
  const work = tempDir('swarmtube-offload-e2e-');
  const source = join(work.path, 'offload.mp4');
  let fileBytes = 0;
  const watchUrls = new Map<PodProcess, string>();
  let uncappedRun: OffloadRun | undefined;

  before(async () => {
    copyFileSync(await swarmSizedMp4({ seconds: 20 }), source);
    fileBytes = statSync(source).size;
    open = await createPodProcess({ name: 'Open pod' });
    capped = await createPodProcess({ name: 'Capped pod', env: { SWARMTUBE_SEEDING_UPLOAD_LIMIT_BYTES_PER_SECOND: String(CAP) } });
    const [launched] = await Promise.all([launchChromium(), open.start(), capped.start()]);
    browser = launched as Browser;
    for (const pod of [open, capped]) {
      const { uuid } = await uploadVideo(pod, await pod.adminToken(), source, { name: 'Offload' });
      await waitForState(pod, uuid, 'published');
      watchUrls.set(pod, `${pod.baseUrl}/videos/watch/${uuid}`);
    }
  });

  after(async () => {
    await browser?.close();
    await Promise.all([open, capped].map((pod) => pod?.destroy()));
    work.remove();
  });

  test('the pod sends at most 1.5 copies of the file to six viewers; the panels count the origin apart from viewers', async (t) => {
    const run = await runOffload(browser, open, watchUrls.get(open)!, { viewers: VIEWERS, gapMs: GAP_MS, fileBytes, timeoutMs: 90_000, log: (line) => t.diagnostic(line) });
    uncappedRun = run;
    t.diagnostic(describeRun(run));
    assert.ok(run.delivered >= VIEWERS * fileBytes * 0.95, `every viewer got the file: ${run.delivered} bytes delivered for ${VIEWERS} x ${fileBytes}`);
    assert.ok(run.copies <= 1.5, `the pod sent ${run.copies.toFixed(2)} copies (at most 1.5)`);
    // Honest figures: what each page says came from the origin is what was measured (seeder
    // and web seed), within protocol overhead; viewers are not counted as the origin.
    for (const [i, viewer] of run.viewers.entries()) {
      const measured = viewer.http + viewer.fromPodSeeder;
      assert.ok(Math.abs(viewer.panel.fromOrigin - measured) <= 0.1 * fileBytes, `viewer ${i + 1}: the panel says ${viewer.panel.fromOrigin} bytes from the origin, measured ${measured}`);
    }
  });

  test("a capped pod's seeder sends less, and the pod's total does not rise: the viewers carry the rest", async (t) => {
    assert.ok(uncappedRun, 'the uncapped run ran');
    const run = await runOffload(browser, capped, watchUrls.get(capped)!, { viewers: VIEWERS, gapMs: GAP_MS, fileBytes, timeoutMs: 120_000, log: (line) => t.diagnostic(line) });
    t.diagnostic(describeRun(run));
    assert.ok(run.delivered >= VIEWERS * fileBytes * 0.95, `every viewer got the file: ${run.delivered} bytes delivered`);
    assert.ok(run.copies <= 1.5, `the capped pod sent ${run.copies.toFixed(2)} copies (at most 1.5)`);
    const seeder = (r: OffloadRun) => r.viewers.reduce((sum, v) => sum + v.fromPodSeeder, 0);
    assert.ok(seeder(run) < seeder(uncappedRun), `the capped seeder sent ${seeder(run)} bytes, the uncapped one ${seeder(uncappedRun)}`);
    // One copy is the floor and the uncapped pod is at 1.0-1.1: "less" is out of reach, so
    // this asserts that capping no longer makes the pod send more (before issue 11 the page
    // then took most of the file over HTTP from the same pod), within a third of a copy.
    assert.ok(
      run.copies <= uncappedRun.copies + 0.3,
      `capped: the pod sent ${run.copies.toFixed(2)} copies; uncapped ${uncappedRun.copies.toFixed(2)}: capping must not make it send more`,
    );
  });
});

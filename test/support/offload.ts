import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { loadavg } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import type { Browser } from 'playwright-core';
import { waitUntil, type PodProcess } from '@swarmtube/testing';
import { openPage, type WatchedPage } from './browser.js';

/**
 * The offload scenario, measured from outside the code under test: N viewers (each a Chromium
 * context of its own) open one pod's watch page `gapMs` apart and watch to the end; where every
 * byte came from is read from the browsers themselves and from /proc:
 *
 * - HTTP: every byte the page's network layer received for the pod's /static/web-videos/ (the
 *   web seed), cancelled responses included (DevTools protocol Network.dataReceived);
 * - WebRTC: every RTCPeerConnection the page makes (wrapped before any script runs), its data
 *   channels' bytesReceived and its selected candidate pair's remote port, from getStats();
 * - the pod's own UDP ports (its seeder's ICE sockets), from the pod process's file
 *   descriptors and /proc/net/udp, polled during the run: a connection whose remote port is
 *   one of them is a connection to the pod.
 *
 * Bytes from the pod = web seed bytes + WebRTC bytes from the pod's ports, over all viewers.
 */

export interface ViewerFigures {
  /** Bytes from the pod's web seed (HTTP responses) and their number. */
  http: number;
  httpRequests: number;
  /** Data-channel bytes received from the pod's seeder / from other viewers. */
  fromPodSeeder: number;
  fromViewers: number;
  firstFrameMs: number;
  /** `waiting` events after playback started, and the time spent in them. */
  stalls: number;
  stalledMs: number;
  /** What the page's P2P panel says (bytes): to compare with what was measured. */
  panel: { fromViewers: number; fromOrigin: number; fromWebSeed: number };
}

export interface OffloadRun {
  viewers: ViewerFigures[];
  fileBytes: number;
  /** Bytes the pod sent (web seed + seeder), over all viewers. */
  podBytes: number;
  /** Every byte the viewers received. */
  delivered: number;
  /** podBytes / fileBytes. */
  copies: number;
  /** 1 - podBytes / delivered: the share of bytes from elsewhere than the pod. */
  offload: number;
  /** Machine CPU busy (all cores, 0..1) during the run, and the load average at its end. */
  cpuBusy: number;
  load: number;
  seconds: number;
}

/** In every page, before its scripts: keep each RTCPeerConnection, and count stalls. */
const INIT_SCRIPT = `(() => {
  const Native = window.RTCPeerConnection;
  const pcs = [];
  const last = new Map();
  const stalls = { count: 0, ms: 0, since: null, played: false };
  async function read(pc, index) {
    if (pc.connectionState === 'closed') return;
    try {
      const report = await pc.getStats();
      let bytes = 0;
      let pairId = null;
      const byId = new Map();
      report.forEach((s) => {
        byId.set(s.id, s);
        if (s.type === 'data-channel') bytes += s.bytesReceived || 0;
        if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
      });
      const pair = pairId ? byId.get(pairId) : [...byId.values()].find((s) => s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded');
      const remote = pair ? byId.get(pair.remoteCandidateId) : null;
      const previous = last.get(index) || {};
      last.set(index, { bytes: Math.max(bytes, previous.bytes || 0), port: remote ? remote.port : previous.port, address: remote ? remote.address : previous.address });
    } catch {}
  }
  function Wrapped(...args) {
    const pc = new Native(...args);
    pcs.push(pc);
    return pc;
  }
  Wrapped.prototype = Native.prototype;
  Object.setPrototypeOf(Wrapped, Native);
  window.RTCPeerConnection = Wrapped;
  setInterval(() => pcs.forEach(read), 250);
  document.addEventListener('playing', () => {
    stalls.played = true;
    if (stalls.since !== null) { stalls.ms += performance.now() - stalls.since; stalls.since = null; }
  }, true);
  document.addEventListener('waiting', () => {
    if (!stalls.played || stalls.since !== null) return;
    stalls.count++;
    stalls.since = performance.now();
  }, true);
  window.__offload = {
    async collect() {
      await Promise.all(pcs.map(read));
      return { connections: [...last.values()], stalls: { count: stalls.count, ms: stalls.ms } };
    },
  };
})();`;

/** Where a viewer stands: its player and its P2P panel. */
const VIEWER_STATE = `(() => {
  const video = document.querySelector('video[data-testid="player"]');
  const value = (id, attribute = 'data-value') => document.querySelector('[data-testid="' + id + '"]')?.getAttribute(attribute);
  return {
    currentTime: video?.currentTime, ended: video?.ended, paused: video?.paused, readyState: video?.readyState, stallNudges: video?.dataset.stallNudges ?? "0", error: video?.error?.message,
    progress: value('p2p-progress'), peers: value('p2p-peers'), pods: value('p2p-pods'), webSeed: value('p2p-webseed-state'),
    fromViewers: value('p2p-from-viewers'), fromOrigin: value('p2p-from-origin'), fromWebSeed: value('p2p-from-webseed'),
    errorText: document.querySelector('[data-testid="player-error"]')?.textContent ?? null,
  };
})()`;

/** UDP ports the process has open (its sockets' inodes, looked up in /proc/net/udp and udp6). */
export function udpPortsOf(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match) inodes.add(match[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/udp', '/proc/net/udp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || !inodes.has(fields[9]!)) continue;
      ports.push(parseInt(fields[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

function cpuTimes(): { busy: number; total: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const numbers = fields.map(Number);
  const idle = (numbers[3] ?? 0) + (numbers[4] ?? 0);
  const total = numbers.reduce((sum, value) => sum + value, 0);
  return { busy: total - idle, total };
}

export async function runOffload(
  browser: Browser,
  pod: PodProcess,
  watchUrl: string,
  options: { viewers: number; gapMs: number; fileBytes: number; timeoutMs: number; log?: (line: string) => void },
): Promise<OffloadRun> {
  const started = performance.now();
  const cpuBefore = cpuTimes();
  const podPorts = new Set<number>();
  const pollPorts = () => {
    const pid = pod.pid();
    if (pid === undefined) return;
    try {
      for (const port of udpPortsOf(pid)) podPorts.add(port);
    } catch {
      // the process is going away
    }
  };
  const portTimer = setInterval(pollPorts, 200);
  const viewers: Array<{ watched: WatchedPage; http: { bytes: number; requests: number } }> = [];
  try {
    for (let i = 0; i < options.viewers; i++) {
      // The scenario's schedule (viewers arrive 5 s apart), not a wait for something to happen.
      if (i > 0) await delay(options.gapMs);
      const watched = await openPage(browser);
      await watched.context.addInitScript({ content: INIT_SCRIPT });
      const http = { bytes: 0, requests: 0 };
      const webSeedRequests = new Set<string>();
      const cdp = await watched.context.newCDPSession(watched.page);
      cdp.on('Network.requestWillBeSent', (event) => {
        if (!event.request.url.includes('/static/web-videos/')) return;
        webSeedRequests.add(event.requestId);
        http.requests++;
      });
      cdp.on('Network.dataReceived', (event) => {
        if (webSeedRequests.has(event.requestId)) http.bytes += event.dataLength;
      });
      await cdp.send('Network.enable');
      await watched.page.goto(watchUrl);
      viewers.push({ watched, http });
      options.log?.(`viewer ${i + 1} joined at ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    for (const [i, { watched }] of viewers.entries()) {
      await waitUntil(
        `viewer ${i + 1} to play to the end with the whole file`,
        async () => {
          const ended = await watched.page.evaluate(`Boolean(document.querySelector('video[data-testid="player"]')?.ended)`);
          const progress = Number(await watched.page.getAttribute('[data-testid="p2p-progress"]', 'data-value'));
          return ended && progress >= 1 ? true : undefined;
        },
        options.timeoutMs,
        250,
      ).catch(async (error: Error) => {
        // Say where each viewer stands: a stuck swarm and a stuck player look alike from here.
        const states = await Promise.all(viewers.map(({ watched: other }) => other.page.evaluate(VIEWER_STATE).catch((e: Error) => e.message)));
        throw new Error(`${error.message}; viewers: ${JSON.stringify(states)}`);
      });
    }
    pollPorts();
    const figures: ViewerFigures[] = [];
    for (const { watched, http } of viewers) {
      const collected = (await watched.page.evaluate('window.__offload.collect()')) as {
        connections: Array<{ bytes: number; port?: number; address?: string }>;
        stalls: { count: number; ms: number };
      };
      const value = async (id: string, attribute = 'data-value') => Number(await watched.page.getAttribute(`[data-testid="${id}"]`, attribute));
      let fromPodSeeder = 0;
      let fromViewers = 0;
      for (const connection of collected.connections) {
        if (connection.port !== undefined && podPorts.has(connection.port)) fromPodSeeder += connection.bytes;
        else fromViewers += connection.bytes;
      }
      figures.push({
        http: http.bytes,
        httpRequests: http.requests,
        fromPodSeeder,
        fromViewers,
        firstFrameMs: await value('p2p-first-frame'),
        stalls: collected.stalls.count,
        stalledMs: collected.stalls.ms,
        panel: { fromViewers: await value('p2p-from-viewers'), fromOrigin: await value('p2p-from-origin'), fromWebSeed: await value('p2p-from-webseed') },
      });
    }
    const podBytes = figures.reduce((sum, v) => sum + v.http + v.fromPodSeeder, 0);
    const delivered = figures.reduce((sum, v) => sum + v.http + v.fromPodSeeder + v.fromViewers, 0);
    const cpuAfter = cpuTimes();
    return {
      viewers: figures,
      fileBytes: options.fileBytes,
      podBytes,
      delivered,
      copies: podBytes / options.fileBytes,
      offload: delivered > 0 ? 1 - podBytes / delivered : 0,
      cpuBusy: (cpuAfter.busy - cpuBefore.busy) / Math.max(1, cpuAfter.total - cpuBefore.total),
      load: loadavg()[0]!,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    clearInterval(portTimer);
    await Promise.all(viewers.map(({ watched }) => watched.context.close().catch(() => undefined)));
  }
}

export function describeRun(run: OffloadRun): string {
  const mb = (bytes: number) => (bytes / 1e6).toFixed(2);
  const rows = run.viewers.map(
    (v, i) =>
      `  viewer ${i + 1}: web seed ${mb(v.http)} MB in ${v.httpRequests} requests, pod seeder ${mb(v.fromPodSeeder)} MB, viewers ${mb(v.fromViewers)} MB; first frame ${Math.round(v.firstFrameMs)} ms, ${v.stalls} stalls (${Math.round(v.stalledMs)} ms); panel: origin ${mb(v.panel.fromOrigin)} MB (web seed ${mb(v.panel.fromWebSeed)}), viewers ${mb(v.panel.fromViewers)} MB`,
  );
  return [
    `${run.viewers.length} viewers: the pod sent ${mb(run.podBytes)} MB of ${mb(run.delivered)} MB delivered = ${run.copies.toFixed(2)} copies of ${mb(run.fileBytes)} MB; offload ${run.offload.toFixed(3)} (best ${(1 - 1 / run.viewers.length).toFixed(3)}); CPU ${Math.round(run.cpuBusy * 100)} % busy, load ${run.load.toFixed(1)}, ${run.seconds.toFixed(0)} s`,
    ...rows,
  ].join('\n');
}

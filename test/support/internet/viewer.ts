import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../browser.js';
import type { NetnsRun } from './netns.js';
import type { TestCa } from './tls.js';

/**
 * A viewer: Debian's Chromium running inside a home's namespace, driven by playwright-core
 * from the test process. Playwright talks to Chromium over a pipe (--remote-debugging-pipe,
 * file descriptors 3 and 4), not over the network: the executable it starts is a two-line
 * wrapper that `exec`s `ip netns exec <ns> chromium`, which keeps those descriptors and the
 * pid. Chromium's every socket is then in the home, behind its NAT. It trusts the test's CA
 * through an NSS database in its own HOME, as a desktop that was given a private CA.
 */
export async function launchViewer(run: NetnsRun, ns: string, ca: TestCa): Promise<Browser> {
  const dir = join(run.work, `viewer-${ns}`);
  mkdirSync(dir, { recursive: true });
  const home = await ca.nssHome(join(dir, 'home'));
  const wrapper = join(dir, 'chromium.sh');
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${ns} ${CHROMIUM} "$@"\n`);
  chmodSync(wrapper, 0o755);
  return chromium.launch({
    executablePath: wrapper,
    headless: true,
    // Not --disable-features=WebRtcHideLocalIpsWithMdns here: a home's viewer hides its LAN
    // address as a real browser does; the STUN server tells it its public one.
    args: CHROMIUM_ARGS.filter((arg) => !arg.includes('WebRtcHideLocalIpsWithMdns')),
    env: { ...process.env, HOME: home },
    timeout: 60_000,
  });
}

/** Records every RTCPeerConnection a page makes (window.__peerConnections), before any site script runs. */
export const RECORD_PEER_CONNECTIONS = `window.__peerConnections = [];
  const Original = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Original { constructor(...args) { super(...args); window.__peerConnections.push(this); } };`;

export interface SelectedPair {
  state: string;
  local: { type: string; address: string; port: number; protocol: string; relayProtocol?: string };
  remote: { type: string; address: string; port: number; protocol: string };
  bytesReceived: number;
  bytesSent: number;
}

/** The selected candidate pair of each of the page's peer connections, from getStats(). */
export const SELECTED_PAIRS = `(async () => {
  const pairs = [];
  for (const pc of window.__peerConnections ?? []) {
    if (pc.connectionState === 'closed') continue;
    const stats = await pc.getStats();
    const byId = new Map(); stats.forEach((s) => byId.set(s.id, s));
    let pair;
    stats.forEach((s) => { if (s.type === 'transport' && s.selectedCandidatePairId) pair = byId.get(s.selectedCandidatePairId); });
    if (!pair) stats.forEach((s) => { if (!pair && s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pair = s; });
    if (!pair) continue;
    const local = byId.get(pair.localCandidateId) ?? {};
    const remote = byId.get(pair.remoteCandidateId) ?? {};
    pairs.push({
      state: pair.state,
      local: { type: local.candidateType, address: local.address ?? local.ip, port: local.port, protocol: local.protocol, relayProtocol: local.relayProtocol },
      remote: { type: remote.candidateType, address: remote.address ?? remote.ip, port: remote.port, protocol: remote.protocol },
      bytesReceived: pair.bytesReceived ?? 0,
      bytesSent: pair.bytesSent ?? 0,
    });
  }
  return pairs;
})()`;

/** What a failure message needs: each peer connection's ICE servers, states and gathered candidate types. */
export const PEER_DIAGNOSIS = `(async () => {
  const out = [];
  for (const pc of window.__peerConnections ?? []) {
    const stats = await pc.getStats();
    const local = [], remote = [];
    stats.forEach((s) => {
      if (s.type === 'local-candidate') local.push(s.candidateType + ' ' + (s.address ?? '') + ':' + s.port + '/' + s.protocol);
      if (s.type === 'remote-candidate') remote.push(s.candidateType + ' ' + (s.address ?? '') + ':' + s.port);
    });
    out.push({ iceServers: (pc.getConfiguration().iceServers ?? []).map((s) => [].concat(s.urls).join(' ') + (s.username ? ' (with credentials)' : '')), state: pc.connectionState, ice: pc.iceConnectionState, gathering: pc.iceGatheringState, local, remote });
  }
  return out;
})()`;

/**
 * The candidates this browser gathers with the ICE servers the site was given (those of its
 * first peer connection): a fresh connection, gathered to the end, its SDP's candidate lines.
 */
export const GATHER_WITH_SITE_SERVERS = `(async () => {
  const first = (window.__peerConnections ?? [])[0];
  if (!first) return { servers: [], candidates: [] };
  const servers = first.getConfiguration().iceServers ?? [];
  const pc = new RTCPeerConnection({ iceServers: servers });
  pc.createDataChannel('probe');
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') resolve();
    pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') resolve(); });
    setTimeout(resolve, 15000);
  });
  const candidates = pc.localDescription.sdp.split(/\\r?\\n/).filter((line) => line.startsWith('a=candidate:'));
  pc.close();
  return { servers: servers.map((s) => [].concat(s.urls).join(' ')), candidates };
})()`;

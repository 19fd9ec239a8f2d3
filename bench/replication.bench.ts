import { generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { videoPublishedDraft } from '@swarmtube/testing';
import { createPodProcess, type FederationStats, type PodProcess } from '@swarmtube/testing';
import { printFigure, printRatio, printSummary, round } from './lib/bench-report.js';
import { joinNetwork, percentile, quiescent, sleepUntil } from './lib/pod-network.js';

/**
 * Replication on loopback, between real pods, each in its own process (driven pods: the
 * production start-up, plus IPC to append through the EventLog and to report when events
 * reach the read models).
 *
 *  1. Latency: from the append request (parent's clock) to the "applied" notice of each other
 *     pod (the pod's read models hold the event; received by the parent, same clock), with 3
 *     and with 10 pods, 1,000 events appended at a steady rate by one pod, then by every pod in
 *     turn (the same total rate). Goal: p99 < 300 ms with 10 pods.
 *  2. Throughput: a burst of 5,000 events on one pod with 10 friends, until every friend's
 *     read models hold them all; events per RSA signature, next to node:crypto's raw RSA-2048
 *     sign rate (key loaded once as a KeyObject) measured in the same run.
 *
 * Every pod runs on this machine: the CPU figures (process.cpuUsage of each pod, /proc/stat for
 * the machine, "other work" = the machine minus the pods and this process) say how much of the
 * 2 cores the network had, and how much something else took meanwhile.
 *
 *   node dist/bench/replication.bench.js
 *   BENCH_EVENTS=1000 BENCH_INTERVAL_MS=5 BENCH_SIZES=3,10 BENCH_CASES=one,all BENCH_BURST=5000 BENCH_PEERS=10
 *   BENCH_PROFILE_DIR=/tmp/prof  every pod with --cpu-prof (stopped by SIGTERM to write it)
 *   BENCH_DUMP=/tmp/lat          per-event latencies to /tmp/lat-<pods>-<appenders>.json
 */

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1000);
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 5);
const BURST = Number(process.env.BENCH_BURST ?? 5000);
const BURST_PEERS = Number(process.env.BENCH_PEERS ?? 10);
const SIZES = (process.env.BENCH_SIZES ?? '3,10').split(',').map(Number);
/** Which latency cases: one (one pod appends), all (every pod appends in turn). */
const CASES = (process.env.BENCH_CASES ?? 'one,all').split(',');
const CHUNK = 500;
const GOAL_P99_MS = 300;
const GOAL_PODS = 10;
/** "Well above 1": at least 10 events per signed delivery request after a burst. */
const GOAL_EVENTS_PER_SIGNATURE = 10;
const WATCHDOG_MS = 6 * 60_000;
/** BENCH_PROFILE_DIR=/tmp/prof: every pod runs with --cpu-prof and is stopped (SIGTERM) so that it writes its profile. */
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;

function rawRsaSignRate(ms = 1000): number {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  // What the pod signs for a delivery: (request-target), host, date and digest lines.
  const message = Buffer.from(
    `(request-target): post /federation/inbox\nhost: 127.0.0.1:40000\ndate: ${new Date().toUTCString()}\ndigest: SHA-256=${randomBytes(32).toString('base64')}`,
  );
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < ms) {
    for (let i = 0; i < 10; i++) sign('sha256', message, privateKey);
    count += 10;
  }
  return count / ((performance.now() - started) / 1000);
}

function rawEd25519VerifyRate(count = 5000): number {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const messages = Array.from({ length: 64 }, () => randomBytes(64));
  const signatures = messages.map((m) => sign(null, m, privateKey));
  const started = performance.now();
  for (let i = 0; i < count; i++) if (!verify(null, messages[i % 64], publicKey, signatures[i % 64])) throw new Error('verify failed');
  return count / ((performance.now() - started) / 1000);
}

interface LatencyResult {
  pods: number;
  appenders: number;
  events: number;
  p50: number;
  p99: number;
  max: number;
  /** Per event, until the last of the other pods has it. */
  p50All: number;
  p99All: number;
  /** From the append's acknowledgement (the event committed at its origin) instead of the request. */
  p50FromAck: number;
  p99FromAck: number;
  /** The local append (schema, seal, group commit) as the parent saw it. */
  appendP50: number;
  appendP99: number;
  /** Notice sent by the pod → received by the parent (wall clocks of two processes). */
  ipcP50: number;
  ipcP99: number;
  missing: number;
  offeredPerSecond: number;
  /** CPU of all the network's pods (user + system) per event replicated, and the share of the machine's cores they used. */
  cpuMsPerEvent: number;
  /** With one appender: its CPU per event, and the mean CPU of each other pod per event received. */
  senderCpuMsPerEvent: number;
  receiverCpuMsPerEvent: number;
  systemShare: number;
  coresBusy: number;
  /** The whole machine's busy cores meanwhile (pods, this process, and anything else running). */
  machineCoresBusy: number;
  /** Of those, what was neither the pods nor this process: other work on the machine. */
  otherCoresBusy: number;
  /** Event loop delay of the (first) appending pod and the worst of the others, p99 (ms). */
  senderLoopP99: number;
  othersLoopP99: number;
  /** Delivery requests sent by all pods, and events per request. */
  requests: number;
  eventsPerRequest: number;
}

/** The machine's busy CPU time so far (ms, every core, from /proc/stat), or NaN off Linux. */
function machineBusyMs(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = fields[3] + (fields[4] ?? 0);
    return ((fields.slice(0, 8).reduce((a, b) => a + b, 0) - idle) * 1000) / 100; // USER_HZ = 100
  } catch {
    return NaN;
  }
}

async function networkStats(
  network: PodProcess[],
): Promise<{ machineMs: number; parentUs: number; cpuUs: number; systemUs: number; perPodUs: number[]; requests: number; delivered: number; at: number; loopDelay: FederationStats['eventLoopDelayMs'][] }> {
  const stats = await Promise.all(network.map((pod) => pod.federationStats()));
  return {
    machineMs: machineBusyMs(),
    parentUs: process.cpuUsage().user + process.cpuUsage().system,
    loopDelay: stats.map((s) => s.eventLoopDelayMs),
    perPodUs: stats.map((s) => s.cpu.user + s.cpu.system),
    cpuUs: stats.reduce((sum, s) => sum + s.cpu.user + s.cpu.system, 0),
    systemUs: stats.reduce((sum, s) => sum + s.cpu.system, 0),
    requests: stats.reduce((sum, s) => sum + s.requests, 0),
    delivered: stats.reduce((sum, s) => sum + s.delivered, 0),
    at: performance.now(),
  };
}

/** `events` appends at one every `intervalMs` (not waiting for each other), round robin over `appenders`. */
async function latencyRun(network: PodProcess[], appenders: PodProcess[], events: number, intervalMs: number): Promise<LatencyResult> {
  const sent = new Map<string, { at: number; origin: PodProcess; acked: number }>();
  const seen = new Map<string, Map<PodProcess, { receivedAt: number; at: number }>>();
  let remaining = events * (network.length - 1);
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const settle = (count: number) => {
    remaining -= count;
    if (remaining <= 0) finish();
  };
  await Promise.all(
    network.map((pod) =>
      pod.watchApplied(({ ids, at, receivedAt }) => {
        let counted = 0;
        for (const id of ids) {
          let byPod = seen.get(id);
          if (!byPod) seen.set(id, (byPod = new Map()));
          if (byPod.has(pod)) continue;
          byPod.set(pod, { receivedAt, at });
          const origin = sent.get(id)?.origin;
          if (origin !== undefined && origin !== pod) counted++;
        }
        if (counted > 0) settle(counted);
      }),
    ),
  );
  const before = await networkStats(network);
  const appends: Array<Promise<void>> = [];
  const started = performance.now();
  for (let i = 0; i < events; i++) {
    await sleepUntil(started + i * intervalMs);
    const origin = appenders[i % appenders.length];
    const { stream, draft } = videoPublishedDraft({ host: origin.host });
    const at = performance.now();
    appends.push(
      origin.append(stream, [draft]).then(([event]) => {
        sent.set(event.id, { at, origin, acked: performance.now() });
        // Notices that arrived before the append's own answer.
        const early = [...(seen.get(event.id)?.keys() ?? [])].filter((pod) => pod !== origin).length;
        if (early > 0) settle(early);
      }),
    );
  }
  const offeredPerSecond = events / ((performance.now() - started) / 1000);
  await Promise.all(appends);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([finished, new Promise<void>((resolve) => (timer = setTimeout(resolve, 60_000)))]);
  clearTimeout(timer);
  await quiescent(network);
  const after = await networkStats(network);
  await Promise.all(network.map((pod) => pod.watchApplied(undefined)));

  const latencies: number[] = [];
  const fromAck: number[] = [];
  const lastPeer: number[] = [];
  const appendTimes: number[] = [];
  const ipc: number[] = [];
  let missing = 0;
  for (const [id, { at, origin, acked }] of sent) {
    appendTimes.push(acked - at);
    let last = 0;
    for (const pod of network) {
      if (pod === origin) continue;
      const notice = seen.get(id)?.get(pod);
      if (!notice) {
        missing++;
        continue;
      }
      latencies.push(notice.receivedAt - at);
      fromAck.push(notice.receivedAt - acked);
      last = Math.max(last, notice.receivedAt - at);
      ipc.push(performance.timeOrigin + notice.receivedAt - notice.at);
    }
    lastPeer.push(last);
  }
  if (process.env.BENCH_DUMP) {
    const rows = [...sent.entries()].map(([id, { at, origin, acked }]) => ({
      at: round(at - started, 1),
      origin: origin.name,
      append: round(acked - at, 1),
      applied: network.filter((pod) => pod !== origin).map((pod) => round((seen.get(id)?.get(pod)?.receivedAt ?? NaN) - at, 1)),
    }));
    writeFileSync(`${process.env.BENCH_DUMP}-${network.length}-${appenders.length}.json`, JSON.stringify(rows));
  }
  return {
    pods: network.length,
    appenders: appenders.length,
    events,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
    p50All: percentile(lastPeer, 50),
    p99All: percentile(lastPeer, 99),
    p50FromAck: percentile(fromAck, 50),
    p99FromAck: percentile(fromAck, 99),
    appendP50: percentile(appendTimes, 50),
    appendP99: percentile(appendTimes, 99),
    ipcP50: percentile(ipc, 50),
    ipcP99: percentile(ipc, 99),
    missing,
    offeredPerSecond,
    cpuMsPerEvent: (after.cpuUs - before.cpuUs) / 1000 / events,
    senderCpuMsPerEvent: (after.perPodUs[0] - before.perPodUs[0]) / 1000 / events,
    receiverCpuMsPerEvent:
      (after.cpuUs - before.cpuUs - (after.perPodUs[0] - before.perPodUs[0])) / 1000 / events / (network.length - 1),
    coresBusy: (after.cpuUs - before.cpuUs) / 1000 / (after.at - before.at),
    machineCoresBusy: (after.machineMs - before.machineMs) / (after.at - before.at),
    otherCoresBusy: Math.max(0, (after.machineMs - before.machineMs - (after.cpuUs - before.cpuUs + after.parentUs - before.parentUs) / 1000) / (after.at - before.at)),
    senderLoopP99: after.loopDelay[0].p99,
    othersLoopP99: Math.max(...after.loopDelay.slice(1).map((d) => d.p99)),
    systemShare: (after.systemUs - before.systemUs) / (after.cpuUs - before.cpuUs),
    requests: after.requests - before.requests,
    eventsPerRequest: (after.delivered - before.delivered) / (after.requests - before.requests),
  };
}

function printLatency(label: string, r: LatencyResult): void {
  console.log(`\n${label}: ${r.pods} pods, ${r.appenders === 1 ? 'one pod appends' : `all ${r.appenders} pods append in turn`}, ${r.events} events at ${Math.round(r.offeredPerSecond)}/s`);
  printFigure({ name: 'append → applied at another pod, p50', value: r.p50, unit: 'ms' });
  printFigure({ name: 'append → applied at another pod, p99', value: r.p99, unit: 'ms' });
  printFigure({ name: 'append → applied at another pod, max', value: r.max, unit: 'ms' });
  printFigure({ name: 'append → applied at every other pod, p50', value: r.p50All, unit: 'ms' });
  printFigure({ name: 'append → applied at every other pod, p99', value: r.p99All, unit: 'ms' });
  printFigure({ name: 'local append (IPC round trip included), p50 / p99', value: r.appendP50, unit: `ms / ${r.appendP99.toFixed(2)} ms` });
  printFigure({ name: 'append acknowledged → applied at another pod, p50 / p99', value: r.p50FromAck, unit: `ms / ${r.p99FromAck.toFixed(2)} ms` });
  printFigure({ name: 'notice IPC lag (pod clock → parent clock), p50 / p99', value: r.ipcP50, unit: `ms / ${r.ipcP99.toFixed(2)} ms` });
  printFigure({ name: 'CPU of all pods per event (append + all replicas)', value: r.cpuMsPerEvent, unit: `ms (${Math.round(r.systemShare * 100)} % system)` });
  printFigure({ name: 'cores busy: the pods / the machine (2) / other work on it', value: r.coresBusy, unit: `/ ${r.machineCoresBusy.toFixed(2)} / ${r.otherCoresBusy.toFixed(2)}` });
  if (r.appenders === 1) {
    printFigure({ name: 'CPU of the appending pod per event (append + deliveries)', value: r.senderCpuMsPerEvent, unit: 'ms' });
    printFigure({ name: 'CPU of each other pod per event received', value: r.receiverCpuMsPerEvent, unit: 'ms' });
  }
  printFigure({ name: 'event loop delay p99: appending pod / worst other pod', value: r.senderLoopP99, unit: `ms / ${r.othersLoopP99.toFixed(1)} ms` });
  printFigure({ name: 'delivery requests, events per request', value: r.requests, unit: `requests, ${r.eventsPerRequest.toFixed(2)} ev/request` });
  if (r.missing > 0) console.log(`  MISSING: ${r.missing} (event, pod) pairs never applied within 60 s`);
}

/** What the pods logged about federation (failed deliveries, pulls) since `marks`. */
function printFederationWarnings(network: PodProcess[], marks: number[]): void {
  const lines = network.flatMap((pod, i) => pod.output().slice(marks[i]).split('\n').filter((l) => l.includes('[federation]')).map((l) => `${pod.name}: ${l}`));
  if (lines.length === 0) return;
  console.log(`  federation warnings: ${lines.length}`);
  for (const line of lines.slice(0, 8)) console.log(`    ${line.slice(0, 300)}`);
}

/**
 * Starts `count` driven pods, a few at a time (ten starting at once on two cores, next to other
 * work, can outlast the harness's 20 s start timeout). A pod that fails to start (its port taken
 * meanwhile by other loopback traffic, or too slow) is replaced by a new one, up to 3 times.
 */
async function startPods(pods: PodProcess[], count: number, concurrency = 4): Promise<void> {
  const startOne = async (i: number): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      const pod = await createPodProcess({
        name: `bench-pod-${i + 1}`,
        driven: true,
        execArgv: PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=bench-pod-${i + 1}-${attempt}.cpuprofile`] : [],
      });
      try {
        await pod.start();
        pods.push(pod); // at once: the caller destroys whatever started, even if a later start fails
        return;
      } catch (error) {
        await pod.destroy();
        if (attempt >= 3) throw error;
        console.log(`  (${pod.name} did not start, trying again: ${(error as Error).message.split('\n')[0].slice(0, 160)})`);
      }
    }
  };
  for (let i = 0; i < count; i += concurrency) {
    await Promise.all(Array.from({ length: Math.min(concurrency, count - i) }, (_, k) => startOne(i + k)));
  }
  pods.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
}

interface ThroughputResult {
  peers: number;
  events: number;
  appendSeconds: number;
  totalSeconds: number;
  eventsPerSecondToAll: number;
  deliveriesPerSecond: number;
  delivered: number;
  requests: number;
  signatures: number;
  firstPeerSeconds: number;
  senderCpuMsPerEvent: number;
  receiverCpuMsPerEvent: number;
  coresBusy: number;
  machineCoresBusy: number;
  otherCoresBusy: number;
}

async function throughputRun(sender: PodProcess, peers: PodProcess[], events: number): Promise<ThroughputResult> {
  const applied = new Map<PodProcess, Set<string>>(peers.map((p) => [p, new Set()]));
  const doneAt = new Map<PodProcess, number>();
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  await Promise.all(
    peers.map((pod) =>
      pod.watchApplied(({ ids, receivedAt }) => {
        const set = applied.get(pod)!;
        for (const id of ids) set.add(id);
        if (set.size >= events && !doneAt.has(pod)) {
          doneAt.set(pod, receivedAt);
          if (doneAt.size === peers.length) finish();
        }
      }),
    ),
  );
  const before = await sender.federationStats();
  const networkBefore = await networkStats([sender, ...peers]);
  const ids: string[] = [];
  const started = performance.now();
  for (let offset = 0; offset < events; offset += CHUNK) {
    const items = Array.from({ length: Math.min(CHUNK, events - offset) }, () => {
      const { stream, draft } = videoPublishedDraft({ host: sender.host });
      return { stream, drafts: [draft] };
    });
    for (const appended of await sender.appendEach(items)) ids.push(appended.id);
  }
  const appendSeconds = (performance.now() - started) / 1000;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([finished, new Promise<void>((resolve) => (timer = setTimeout(resolve, 120_000)))]);
  clearTimeout(timer);
  const ended = Math.max(...doneAt.values());
  await quiescent([sender, ...peers]);
  const after = await sender.federationStats();
  const networkAfter = await networkStats([sender, ...peers]);
  await Promise.all(peers.map((pod) => pod.watchApplied(undefined)));
  for (const pod of peers) {
    const set = applied.get(pod)!;
    const absent = ids.filter((id) => !set.has(id)).length;
    if (absent > 0) throw new Error(`${pod.name} lacks ${absent} of the burst's ${events} events`);
  }
  const totalSeconds = (ended - started) / 1000;
  return {
    peers: peers.length,
    events,
    appendSeconds,
    totalSeconds,
    eventsPerSecondToAll: events / totalSeconds,
    deliveriesPerSecond: (events * peers.length) / totalSeconds,
    delivered: after.delivered - before.delivered,
    requests: after.requests - before.requests,
    signatures: after.signatures - before.signatures,
    firstPeerSeconds: (Math.min(...doneAt.values()) - started) / 1000,
    senderCpuMsPerEvent: (networkAfter.perPodUs[0] - networkBefore.perPodUs[0]) / 1000 / events,
    receiverCpuMsPerEvent:
      (networkAfter.cpuUs - networkBefore.cpuUs - (networkAfter.perPodUs[0] - networkBefore.perPodUs[0])) / 1000 / events / peers.length,
    coresBusy: (networkAfter.cpuUs - networkBefore.cpuUs) / 1000 / (networkAfter.at - networkBefore.at),
    machineCoresBusy: (networkAfter.machineMs - networkBefore.machineMs) / (networkAfter.at - networkBefore.at),
    otherCoresBusy: Math.max(
      0,
      (networkAfter.machineMs - networkBefore.machineMs - (networkAfter.cpuUs - networkBefore.cpuUs + networkAfter.parentUs - networkBefore.parentUs) / 1000) /
        (networkAfter.at - networkBefore.at),
    ),
  };
}

async function main(): Promise<void> {
  const benchStarted = performance.now();
  console.log(`replication on loopback: ${EVENTS} events at one every ${INTERVAL_MS} ms, pods ${SIZES.join(' and ')}; burst of ${BURST} to ${BURST_PEERS} friends`);
  const rsaBefore = rawRsaSignRate();
  const ed25519Before = rawEd25519VerifyRate();

  const total = Math.max(...SIZES, BURST > 0 ? BURST_PEERS + 1 : 0);
  const pods: PodProcess[] = [];
  const watchdog = setTimeout(() => {
    console.error(`replication bench: still running after ${WATCHDOG_MS / 1000} s, giving up`);
    void Promise.all(pods.map((p) => p.destroy())).finally(() => process.exit(1));
  }, WATCHDOG_MS);
  watchdog.unref();
  const latency: Record<string, LatencyResult> = {};
  let throughput: ThroughputResult | undefined;
  try {
    let t = performance.now();
    await startPods(pods, total);
    console.log(`  (${total} pods started in ${((performance.now() - t) / 1000).toFixed(1)} s)`);
    let network: PodProcess[] = [];
    for (const size of [...SIZES].sort((a, b) => a - b)) {
      t = performance.now();
      network = await joinNetwork(network, pods.slice(network.length, size));
      console.log(`  (network of ${size} made in ${((performance.now() - t) / 1000).toFixed(1)} s)`);
      for (const which of CASES) {
        const marks = network.map((pod) => pod.output().length);
        const result = await latencyRun(network, which === 'one' ? [network[0]] : network, EVENTS, INTERVAL_MS);
        printLatency('latency', result);
        printFederationWarnings(network, marks);
        latency[`pods${size}_${which}`] = result;
        await quiescent(network);
      }
    }
    if (BURST > 0) {
      t = performance.now();
      network = await joinNetwork(network, pods.slice(network.length, BURST_PEERS + 1));
      console.log(`\n  (network of ${network.length} made in ${((performance.now() - t) / 1000).toFixed(1)} s)`);
      throughput = await throughputRun(network[0], network.slice(1, BURST_PEERS + 1), BURST);
    }
  } catch (error) {
    for (const pod of pods) if (/error|warn|fail/i.test(pod.output())) console.error(`--- ${pod.name}:\n${pod.output().slice(-3000)}`);
    throw error;
  } finally {
    if (PROFILE_DIR) await Promise.all(pods.map((pod) => pod.stop()));
    await Promise.all(pods.map((pod) => pod.destroy()));
    clearTimeout(watchdog);
  }
  const rsaAfter = rawRsaSignRate();
  const rsaRate = (rsaBefore + rsaAfter) / 2;
  const ed25519Rate = (ed25519Before + rawEd25519VerifyRate()) / 2;

  console.log('\nanchors (node:crypto, one core, keys loaded once as KeyObjects; before and after the pods ran)');
  printFigure({ name: 'RSA-2048 sign (rsa-sha256), mean of before/after', value: rsaRate, unit: `signs/s (${Math.round(rsaBefore)} / ${Math.round(rsaAfter)})` });
  printFigure({ name: 'Ed25519 verify', value: ed25519Rate, unit: 'verifies/s' });

  const big = latency[`pods${GOAL_PODS}_one`];
  const bigAll = latency[`pods${GOAL_PODS}_all`];
  let latencyMet: boolean | undefined;
  if (big) {
    const worst = Math.max(big.p99, bigAll?.p99 ?? 0);
    latencyMet = worst < GOAL_P99_MS && big.missing === 0 && (bigAll?.missing ?? 0) === 0;
    console.log(`\n  ${'p99, 10 pods (worst of one appender / all append)'.padEnd(58)} ${worst.toFixed(1).padStart(10)} ms  (goal < ${GOAL_P99_MS} ms: ${latencyMet ? 'met' : 'NOT met'})`);
  }
  if (throughput) {
    const r = throughput;
    console.log(`\nthroughput: burst of ${r.events} events on one pod, ${r.peers} friends`);
    printFigure({ name: 'burst appended (schema, seal, group commit) in', value: r.appendSeconds, unit: 's' });
    printFigure({ name: 'first friend has every event after', value: r.firstPeerSeconds, unit: 's' });
    printFigure({ name: 'every friend has every event after', value: r.totalSeconds, unit: 's' });
    printFigure({ name: 'events/s to all friends (burst / time to the last)', value: r.eventsPerSecondToAll, unit: 'ev/s' });
    printFigure({ name: 'deliveries/s (events x friends / same time)', value: r.deliveriesPerSecond, unit: 'deliveries/s' });
    printFigure({ name: 'events delivered (acknowledged) by the sender', value: r.delivered, unit: `in ${r.requests} requests` });
    printFigure({ name: 'events per delivery request', value: r.delivered / r.requests, unit: 'ev/request' });
    printFigure({ name: `CPU of the sending pod per event (append + ${r.peers} deliveries)`, value: r.senderCpuMsPerEvent, unit: 'ms' });
    printFigure({ name: 'CPU of each friend per event received', value: r.receiverCpuMsPerEvent, unit: 'ms' });
    printFigure({ name: 'cores busy: the pods / the machine (2) / other work on it', value: r.coresBusy, unit: `/ ${r.machineCoresBusy.toFixed(2)} / ${r.otherCoresBusy.toFixed(2)}` });
    printFigure({ name: 'RSA signatures made by the sender (deliveries, pulls)', value: r.signatures, unit: 'signatures' });
    printRatio('events per RSA signature (batching; goal: well above 1)', r.delivered / r.signatures, GOAL_EVENTS_PER_SIGNATURE);
    printFigure({ name: 'deliveries/s / raw RSA-2048 signs/s (unbatched push: < 1)', value: r.deliveriesPerSecond / rsaRate, unit: 'x' });
    printFigure({ name: 'share of 2 cores the friends\' Ed25519 checks alone take', value: (100 * r.deliveriesPerSecond) / (2 * ed25519Rate), unit: `% (one verify per delivery, at the raw rate)` });
  }
  console.log(`\n  (bench took ${((performance.now() - benchStarted) / 1000).toFixed(1)} s)`);
  const summary: Record<string, unknown> = {
    bench: 'replication',
    date: new Date().toISOString().slice(0, 10),
    events: EVENTS,
    intervalMs: INTERVAL_MS,
    rsaSignsPerSecond: Math.round(rsaRate),
    ed25519VerifiesPerSecond: Math.round(ed25519Rate),
    goalP99Ms: GOAL_P99_MS,
    latencyGoalMet: latencyMet,
  };
  for (const [key, r] of Object.entries(latency)) {
    summary[key] = {
      p50: round(r.p50, 1),
      p99: round(r.p99, 1),
      max: round(r.max, 1),
      p99All: round(r.p99All, 1),
      p99FromAck: round(r.p99FromAck, 1),
      appendP50: round(r.appendP50, 1),
      missing: r.missing,
      eventsPerRequest: round(r.eventsPerRequest, 1),
      cpuMsPerEvent: round(r.cpuMsPerEvent, 2),
      podsCores: round(r.coresBusy, 2),
      machineCores: round(r.machineCoresBusy, 2),
      otherCores: round(r.otherCoresBusy, 2),
    };
  }
  if (throughput) {
    summary.burst = {
      events: throughput.events,
      peers: throughput.peers,
      eventsPerSecondToAll: Math.round(throughput.eventsPerSecondToAll),
      deliveriesPerSecond: Math.round(throughput.deliveriesPerSecond),
      eventsPerRequest: round(throughput.delivered / throughput.requests, 1),
      eventsPerSignature: round(throughput.delivered / throughput.signatures, 1),
      ratioToRsaSignRate: round(throughput.deliveriesPerSecond / rsaRate, 2),
      senderCpuMsPerEvent: round(throughput.senderCpuMsPerEvent, 2),
      receiverCpuMsPerEvent: round(throughput.receiverCpuMsPerEvent, 2),
      machineCores: round(throughput.machineCoresBusy, 2),
      otherCores: round(throughput.otherCoresBusy, 2),
    };
  }
  printSummary(summary);
}

await main();

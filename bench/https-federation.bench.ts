import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { videoPublishedDraft } from '../libs/testing/src/event-fixtures.js';
import { createPodProcess, waitUntil, type PodProcess } from '../libs/testing/src/pod-process.js';
import { median, printFigure, printSummary, round } from './lib/bench-report.js';
import { httpsPod, inNamespace, makeTestCa } from './lib/https-netns.js';
import { quiescent } from './lib/pod-network.js';

/**
 * Delivery of a burst of events to a friend over HTTPS through nginx (the repository's site,
 * TLS 1.3 with a certificate from a CA the run makes, the pod's federation client verifying
 * it) against the same over plain HTTP, same run, same machine (issue 10's figures; goal: at
 * least 0.8x). Two pairs of driven pods, each pod its own process: A → B with public URLs
 * https://127.0.0.2 and https://127.0.0.3 (each behind its own nginx), C → D on plain
 * http://127.0.0.1:<port>. Each round appends BENCH_BURST events on the sender (500 per IPC
 * call, as the replication benchmark does) and times until the friend's read models hold them
 * all; the pairs alternate who goes first. nginx's access log says how many TLS connections
 * the deliveries used (kept alive: a handful, not one per request).
 *
 * Runs inside a network namespace of its own (bench/lib/https-netns.ts): root only.
 *
 *   node dist/bench/https-federation.bench.js
 *   env: BENCH_BURST=5000 BENCH_ROUNDS=3
 */

const BURST = Number(process.env.BENCH_BURST ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CHUNK = 500;
const GOAL = 0.8;

interface Pair {
  label: string;
  sender: PodProcess;
  receiver: PodProcess;
  /** How the receiver names the sender in make-friends. */
  senderUrl: string;
  receiverUrl: string;
}

async function befriend(pair: Pair): Promise<void> {
  const response = await fetch(`${pair.receiver.baseUrl}/api/v1/pods/make-friends`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await pair.receiver.adminToken()}`, 'content-type': 'application/json' },
    body: JSON.stringify({ hosts: [pair.senderUrl] }),
  });
  if (!response.ok) throw new Error(`${pair.label}: make-friends answered ${response.status}: ${await response.text()}`);
  await waitUntil(`${pair.label}: friends`, async () => {
    const pods = (await (await fetch(`${pair.sender.baseUrl}/api/v1/pods`)).json()) as Array<{ status: string }>;
    return pods.some((p) => p.status === 'active') ? true : undefined;
  }, 60_000, 100);
  await quiescent([pair.sender, pair.receiver]);
}

/** Seconds from the first append to the receiver's read models holding the whole burst. */
async function burst(pair: Pair): Promise<number> {
  const applied = new Set<string>();
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  let doneAt = 0;
  await pair.receiver.watchApplied(({ ids, receivedAt }) => {
    for (const id of ids) applied.add(id);
    if (applied.size >= BURST && doneAt === 0) {
      doneAt = receivedAt;
      done();
    }
  });
  const started = performance.now();
  const host = new URL(pair.senderUrl).host;
  for (let offset = 0; offset < BURST; offset += CHUNK) {
    const items = Array.from({ length: Math.min(CHUNK, BURST - offset) }, () => {
      const { stream, draft } = videoPublishedDraft({ host });
      return { stream, drafts: [draft] };
    });
    await pair.sender.appendEach(items);
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([finished, new Promise<void>((_, reject) => (timer = setTimeout(() => reject(new Error(`${pair.label}: ${applied.size} of ${BURST} events after 180 s`)), 180_000)))]);
  clearTimeout(timer);
  await pair.receiver.watchApplied(undefined);
  await quiescent([pair.sender, pair.receiver]);
  return (doneAt - started) / 1000;
}

await inNamespace(fileURLToPath(import.meta.url), async (work) => {
  const ca = await makeTestCa(join(work, 'ca'));
  const stops: Array<() => Promise<void>> = [];
  try {
    const [a, b] = await Promise.all([httpsPod(work, ca, 'HTTPS sender', '127.0.0.2', { driven: true }), httpsPod(work, ca, 'HTTPS receiver', '127.0.0.3', { driven: true })]);
    stops.push(() => a.nginx.stop(), () => b.nginx.stop(), () => a.pod.destroy(), () => b.pod.destroy());
    const c = await createPodProcess({ name: 'HTTP sender', driven: true });
    const d = await createPodProcess({ name: 'HTTP receiver', driven: true });
    stops.push(() => c.destroy(), () => d.destroy());
    await Promise.all([c.start(), d.start()]);
    const https: Pair = { label: 'https', sender: a.pod, receiver: b.pod, senderUrl: a.publicUrl, receiverUrl: b.publicUrl };
    const http: Pair = { label: 'http', sender: c, receiver: d, senderUrl: `http://${c.host}`, receiverUrl: `http://${d.host}` };
    await Promise.all([befriend(https), befriend(http)]);
    console.log(`  burst of ${BURST} events, sender to one friend; ${ROUNDS} rounds, alternating which pair goes first`);

    const seconds: Record<'http' | 'https', number[]> = { http: [], https: [] };
    const deliveries = () => b.accessLog().split('\n').filter((l) => l.includes('POST /federation/inbox'));
    const before = deliveries().length;
    for (let r = 0; r < ROUNDS; r++) {
      for (const pair of r % 2 === 0 ? [http, https] : [https, http]) {
        const s = await burst(pair);
        seconds[pair.label as 'http' | 'https'].push(s);
        console.log(`  round ${r + 1} ${pair.label.padEnd(5)} ${s.toFixed(2)} s (${Math.round(BURST / s)} events/s to the friend)`);
      }
    }
    // The receiver's nginx: deliveries (POST /federation/inbox) and the TLS connections they used.
    const lines = deliveries().slice(before);
    const connections = new Set(lines.map((l) => /conn=(\d+)/.exec(l)?.[1]));
    const resumed = lines.filter((l) => /n=1 .*reused=r/.test(l)).length;
    const httpRate = BURST / median(seconds.http);
    const httpsRate = BURST / median(seconds.https);
    printFigure({ name: 'plain HTTP: events/s to the friend (median)', value: round(httpRate, 0), unit: 'ev/s' });
    printFigure({ name: 'HTTPS through nginx: events/s to the friend (median)', value: round(httpsRate, 0), unit: 'ev/s' });
    printFigure({ name: `ratio HTTPS / HTTP (goal >= ${GOAL})`, value: round(httpsRate / httpRate, 2), unit: 'x' });
    printFigure({ name: 'deliveries to the HTTPS friend (POST /federation/inbox through nginx)', value: lines.length, unit: 'requests' });
    printFigure({ name: 'TLS connections they used (nginx $connection)', value: connections.size, unit: 'connections' });
    printFigure({ name: 'of which resumed TLS sessions', value: resumed, unit: 'connections' });
    printSummary({
      bench: 'https-federation', burst: BURST, rounds: ROUNDS,
      httpSeconds: seconds.http.map((s) => round(s, 2)), httpsSeconds: seconds.https.map((s) => round(s, 2)),
      ratio: round(httpsRate / httpRate, 2), goal: GOAL, inboxRequests: lines.length, tlsConnections: connections.size,
    });
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
});

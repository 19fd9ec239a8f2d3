import { performance } from 'node:perf_hooks';
import type { EventDraft } from '../libs/event-envelope/src/envelope.js';
import { videoPublishedDraft, videoUpdatedDraft } from '../libs/testing/src/event-fixtures.js';
import { createPodProcess, waitUntil, type PodProcess } from '../libs/testing/src/pod-process.js';
import { printFigure, printRatio, printSummary, round } from './lib/bench-report.js';
import { joinNetwork, quiescent } from './lib/pod-network.js';

/**
 * Catch-up of a friend that was down, against live push, between the same two real pods (driven
 * pods, each in its own process, SQLite) in the same run:
 *
 *  - live: the friend is up; the origin appends N edits of one video (50 per append, back to
 *    back); from the first append to the friend's store holding the last one.
 *  - catch-up: the friend is stopped; the origin appends N more; the friend is started again;
 *    from its HTTP side answering (its start-up pull begins right after) to its store holding
 *    the last one. What moves it is the pull (pages cut by bytes) and the origin's push once
 *    its backoff ends, whichever comes first: both are the production paths.
 *
 * Twice: small events (a changed name, ~0.9 KB) and ~30 KB events (a 10,000-character
 * description in a 3-byte script: its activity weighs ~60 KB). MB are of encoded events (JCS),
 * as a pull page carries them. Goal: catch-up at least 0.5x the live push rate.
 *
 *   node dist/bench/catch-up.bench.js
 *   BENCH_SMALL=3000 BENCH_LARGE=600
 */

const SMALL = Number(process.env.BENCH_SMALL ?? 3000);
const LARGE = Number(process.env.BENCH_LARGE ?? 600);
const GOAL = 0.5;
const CHUNK = 50;
const actorOf = (pod: PodProcess) => `${pod.baseUrl}/federation/actor`;

async function headOf(pod: PodProcess, origin: string): Promise<number> {
  const { origins } = (await (await fetch(`${pod.baseUrl}/federation/events`)).json()) as { origins: Array<{ origin: string; lastSeq: number }> };
  return origins.find((o) => o.origin === origin)?.lastSeq ?? 0;
}

/** Encoded bytes of the origin's events after `after`, as its pull API serves them. */
async function encodedBytes(pod: PodProcess, after: number): Promise<number> {
  let bytes = 0;
  for (let next = after; ; ) {
    const page = (await (await fetch(`${pod.baseUrl}/federation/events?origin=${encodeURIComponent(actorOf(pod))}&after=${next}&limit=500`)).json()) as { events: unknown[]; next: number };
    if (page.events.length === 0) return bytes;
    for (const event of page.events) bytes += Buffer.byteLength(JSON.stringify(event));
    next = page.next;
  }
}

async function appendAll(pod: PodProcess, stream: string, drafts: EventDraft[]): Promise<void> {
  for (let i = 0; i < drafts.length; i += CHUNK) await pod.append(stream, drafts.slice(i, i + CHUNK));
}

async function reached(pod: PodProcess, origin: string, seq: number): Promise<void> {
  await waitUntil(`${pod.name} to hold ${origin} up to ${seq}`, async () => ((await headOf(pod, origin)) >= seq ? true : undefined), 15 * 60_000, 20);
}

interface Run {
  events: number;
  megabytes: number;
  seconds: number;
}

async function measure(kind: string, count: number, edit: (uuid: string, n: number) => EventDraft): Promise<{ live: Run; catchUp: Run }> {
  const env = { SWARMTUBE_HEALTH_AUTO_VOTE: 'false' };
  const origin = await createPodProcess({ name: `Origin ${kind}`, driven: true, env });
  const friend = await createPodProcess({ name: `Friend ${kind}`, driven: true, env });
  try {
    await Promise.all([origin.start(), friend.start()]);
    await joinNetwork([origin], [friend]);
    const { stream, draft } = videoPublishedDraft({ host: origin.host });
    const uuid = (draft.data as { uuid: string }).uuid;
    await origin.append(stream, [draft]);
    await quiescent([origin, friend]);

    const run = async (n0: number, timed: () => Promise<number>): Promise<Run> => {
      const base = await headOf(origin, actorOf(origin));
      const seconds = await timed();
      const megabytes = (await encodedBytes(origin, base)) / 1e6;
      return { events: count, megabytes, seconds };
    };

    const live = await run(0, async () => {
      const drafts = Array.from({ length: count }, (_, i) => edit(uuid, i));
      const started = performance.now();
      await appendAll(origin, stream, drafts);
      await reached(friend, actorOf(origin), await headOf(origin, actorOf(origin)));
      return (performance.now() - started) / 1000;
    });
    await quiescent([origin, friend], 5 * 60_000);

    await friend.stop();
    const catchUp = await run(count, async () => {
      await appendAll(origin, stream, Array.from({ length: count }, (_, i) => edit(uuid, count + i)));
      const head = await headOf(origin, actorOf(origin));
      await friend.start();
      const started = performance.now();
      await reached(friend, actorOf(origin), head);
      return (performance.now() - started) / 1000;
    });
    return { live, catchUp };
  } finally {
    await Promise.all([origin.destroy(), friend.destroy()]);
  }
}

const cases: Array<[string, number, (uuid: string, n: number) => EventDraft]> = [
  ['small', SMALL, (uuid, n) => videoUpdatedDraft(uuid, { name: `Take ${n}` })],
  ['30 KB', LARGE, (uuid, n) => videoUpdatedDraft(uuid, { description: `${n} `.padEnd(10_000, '视') })],
];

console.log(`catch-up of a friend that was down vs live push (2 pods, SQLite, loopback)`);
const summary: Record<string, unknown> = { bench: 'catch-up' };
let allMet = true;
for (const [kind, count, edit] of cases) {
  const { live, catchUp } = await measure(kind, count, edit);
  console.log(`${kind} events (${count}, ${round((live.megabytes * 1e6) / count / 1000, 1)} KB each):`);
  printFigure({ name: 'live push', value: live.events / live.seconds, unit: 'events/s' });
  printFigure({ name: 'live push', value: live.megabytes / live.seconds, unit: 'MB/s' });
  printFigure({ name: 'catch-up after a restart', value: catchUp.events / catchUp.seconds, unit: 'events/s' });
  printFigure({ name: 'catch-up after a restart', value: catchUp.megabytes / catchUp.seconds, unit: 'MB/s' });
  const ratio = catchUp.events / catchUp.seconds / (live.events / live.seconds);
  allMet = printRatio(`catch-up / live push (${kind})`, ratio, GOAL) && allMet;
  summary[kind] = {
    events: count,
    liveSeconds: round(live.seconds),
    liveEventsPerSecond: round(live.events / live.seconds),
    liveMBps: round(live.megabytes / live.seconds),
    catchUpSeconds: round(catchUp.seconds),
    catchUpEventsPerSecond: round(catchUp.events / catchUp.seconds),
    catchUpMBps: round(catchUp.megabytes / catchUp.seconds),
    ratio: round(ratio),
  };
}
printSummary(summary);
process.exitCode = allMet ? 0 : 1;

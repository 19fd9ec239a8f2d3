import 'reflect-metadata';
import { generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { openAuditSource } from '../apps/pod/src/audit/audit-source.js';
import { auditLog } from '../apps/pod/src/audit/audit.js';
import { loadPodConfig } from '../apps/pod/src/config/pod-config.js';
import { EventLog } from '../apps/pod/src/event-log/event-log.js';
import { EVENT_STORE } from '../apps/pod/src/event-log/event-log.tokens.js';
import { PodLog } from '../apps/pod/src/logger/pod-log.js';
import { openPod } from '../apps/pod/src/pod-app.js';
import type { OpenedEventStore } from '@swarmtube/event-store';
import { allProjections } from '../apps/pod/src/projections/all-projections.js';
import type { Projection } from '../apps/pod/src/projections/projection.js';
import { ProjectionRunner } from '../apps/pod/src/projections/projection-runner.js';
import { videoDeletedDraft, videoPublishedDraft, videoUpdatedDraft } from '@swarmtube/testing';
import { TEST_POSTGRES_URL, dropSchema, tempDir, uniqueSchema } from '@swarmtube/testing';
import { printFigure, printRatio, printSummary, round } from './lib/bench-report.js';

/**
 * Replays a 100,000-event log (70% VideoPublished, 20% VideoUpdated, 10% VideoDeleted) on
 * SQLite and PostgreSQL:
 *  - into the pod's read models, as a rebuild does (projection runner from position 0);
 *    goal >= 100,000 events/s;
 *  - through the audit with every proof verified, against node:crypto's raw Ed25519 verify
 *    rate measured in the same run; goal >= 0.5x.
 *   node dist/bench/replay.bench.js     BENCH_EVENTS=100000  BENCH_DATABASES=sqlite,postgres
 */

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const DATABASES = (process.env.BENCH_DATABASES ?? 'sqlite,postgres').split(',');
const GOAL_REPLAY = 100_000;
const GOAL_VERIFY_RATIO = 0.5;
const CONCURRENCY = 256;

function rawVerifyRate(count = 20_000): number {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  // 64 bytes: what eddsa-jcs-2022 signs (two SHA-256 digests).
  const messages = Array.from({ length: 256 }, () => randomBytes(64));
  const signatures = messages.map((m) => sign(null, m, privateKey));
  const started = performance.now();
  for (let i = 0; i < count; i++) if (!verify(null, messages[i % 256], publicKey, signatures[i % 256])) throw new Error('verify failed');
  return count / ((performance.now() - started) / 1000);
}

async function fillLog(eventLog: EventLog, host: string, events: number): Promise<void> {
  const published: string[] = [];
  let next = 1; // the genesis PodJoined is event 1
  const one = async () => {
    const i = next++;
    const roll = i % 10;
    if (roll < 7 || published.length < 10) {
      const { stream, draft } = videoPublishedDraft({ host });
      await eventLog.append(stream, [draft], { expectedVersion: 'no-stream' });
      published.push((draft.data as { uuid: string }).uuid);
    } else if (roll < 9) {
      const uuid = published[i % published.length];
      await eventLog.append(`video:${uuid}`, [videoUpdatedDraft(uuid, { name: `Renamed ${i}` })], { expectedVersion: 'any' });
    } else {
      const uuid = published.splice(i % published.length, 1)[0];
      await eventLog.append(`video:${uuid}`, [videoDeletedDraft(uuid)], { expectedVersion: 'any' });
    }
  };
  const worker = async () => {
    while (next < events) await one();
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

/** The same projections under another version: the runner drops and rebuilds them from 0. */
function rebuilt(projections: readonly Projection[]): Projection[] {
  return projections.map((p) => ({ ...p, version: p.version + 1_000_000 }));
}

async function benchDatabase(database: string, verifyRate: number): Promise<Record<string, number>> {
  const dir = tempDir('swarmtube-bench-');
  const schema = uniqueSchema('bench');
  const config = loadPodConfig({
    env: {
      SWARMTUBE_DATA_DIR: dir.path,
      SWARMTUBE_DATABASE: database === 'sqlite' ? 'sqlite' : TEST_POSTGRES_URL,
      SWARMTUBE_DATABASE_SCHEMA: schema,
      SWARMTUBE_ADMIN_PASSWORD: 'bench',
    },
  });
  const pod = await openPod(config, { logger: PodLog.silent() });
  const store = pod.app.get<OpenedEventStore>(EVENT_STORE);
  const projections = pod.app.get(ProjectionRunner);
  try {
    console.log(`${database}: writing ${EVENTS} events…`);
    let started = performance.now();
    await fillLog(pod.app.get(EventLog), config.host, EVENTS);
    const head = await store.headPosition();
    await projections.waitFor(head, 600_000);
    await projections.stop();
    printFigure({ name: `${database}: log written (validated, signed, group-committed)`, value: head / ((performance.now() - started) / 1000), unit: 'events/s' });

    const runner = new ProjectionRunner(store, store.readModels, rebuilt(allProjections(store.dialect)), { batchSize: 2000 });
    started = performance.now();
    await runner.start();
    await runner.waitFor(head, 600_000);
    const replayRate = head / ((performance.now() - started) / 1000);
    await runner.stop();
    printFigure({ name: `${database}: replay into the read models (rebuild from 0)`, value: replayRate, unit: 'events/s' });
    printRatio(`${database}: replay rate / ${GOAL_REPLAY} events/s`, replayRate / GOAL_REPLAY, 1);

    const source = await openAuditSource(database === 'sqlite' ? dir.path : TEST_POSTGRES_URL, { schema });
    let report;
    try {
      report = await auditLog(source, { checkProofs: true });
    } finally {
      await source.close();
    }
    if (!report.ok || report.events !== head) throw new Error(`audit failed: ${JSON.stringify(report.firstFailure ?? report.readModels)}`);
    const auditRate = head / report.seconds;
    printFigure({ name: `${database}: audit, every proof verified + schemas + replay`, value: auditRate, unit: 'events/s' });
    const ratio = auditRate / verifyRate;
    printRatio(`${database}: audit rate / raw Ed25519 verify rate`, ratio, GOAL_VERIFY_RATIO);
    return { events: head, replayPerSecond: round(replayRate, 0), auditPerSecond: round(auditRate, 0), auditToVerifyRatio: round(ratio) };
  } finally {
    await pod.close();
    dir.remove();
    if (database !== 'sqlite') await dropSchema(schema);
  }
}

async function main(): Promise<void> {
  console.log(`replay.bench: ${EVENTS} events, databases ${DATABASES.join(', ')}`);
  const verifyRate = rawVerifyRate();
  printFigure({ name: 'anchor: node:crypto Ed25519 verify (one core)', value: verifyRate, unit: 'verifies/s' });
  const results: Record<string, unknown> = { bench: 'replay', date: new Date().toISOString().slice(0, 10), rawVerifyPerSecond: round(verifyRate, 0) };
  for (const database of DATABASES) results[database] = await benchDatabase(database, verifyRate);
  printSummary(results);
}

await main();

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { EventDraft } from '@swarmtube/event-envelope';
import type { OpenedEventStore } from '@swarmtube/event-store';
import { openPostgresEventStore } from '@swarmtube/event-store';
import { openSqliteEventStore } from '@swarmtube/event-store';
import { createTestSealer } from '@swarmtube/testing';
import { eventsPerSecond, median, printFigure, printRatio, printSummary, round } from './lib/bench-report.js';
import { benchData, BENCH_STREAMS, prebuildRows } from './lib/prebuilt-rows.js';
import { JustInTimeRows, openRawPostgres, openRawSqlite } from './lib/raw-anchors.js';

/**
 * Appends through the store (sealed, chained, signed with Ed25519) against plain driver
 * inserts of the same rows, on SQLite (WAL, synchronous=FULL) and PostgreSQL. Each figure
 * is the median of ROUNDS runs, store and anchor alternating so that disk weather hits both.
 *   node dist/bench/append.bench.js    (env: BENCH_ROUNDS=3, BENCH_ONLY=sqlite|postgres, DATABASE_URL=postgres://…)
 */

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SINGLE_EVENTS = Number(process.env.BENCH_SINGLE_EVENTS ?? 1000);
const ONLY = process.env.BENCH_ONLY; // 'sqlite' or 'postgres'
const BATCHES = Number(process.env.BENCH_BATCHES ?? 150);
const BATCH_SIZE = 100;
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ORIGIN = 'http://localhost:9001/federation/actor';
const GOAL_SINGLE = 0.5;
const GOAL_BATCHED = 0.8;

const draftOf = (i: number): EventDraft => ({ type: 'VideoPublished', schemaVersion: 1, data: benchData(i) });

async function storeSingle(store: OpenedEventStore, count: number): Promise<number> {
  return eventsPerSecond(count, async () => {
    for (let i = 0; i < count; i++) await store.append(`video:${i % BENCH_STREAMS}`, [draftOf(i)], { expectedVersion: 'any' });
  });
}

async function storeBatched(store: OpenedEventStore, batches: number): Promise<number> {
  return eventsPerSecond(batches * BATCH_SIZE, async () => {
    for (let b = 0; b < batches; b++) {
      const drafts = Array.from({ length: BATCH_SIZE }, (_, i) => draftOf(b * BATCH_SIZE + i));
      await store.append(`video:${b % BENCH_STREAMS}`, drafts, { expectedVersion: 'any' });
    }
  });
}

interface Measured {
  store: number;
  raw: number;
  rawSealing: number;
}

interface DialectRun {
  single: Measured;
  batched: Measured;
}

async function measureSqlite(dir: string): Promise<DialectRun> {
  const sealer = createTestSealer(ORIGIN);
  const rows = prebuildRows(sealer, Math.max(SINGLE_EVENTS, BATCHES * BATCH_SIZE));
  const runs: DialectRun[] = [];
  let file = 0;
  const path = () => join(dir, `append-${++file}.sqlite`);
  for (let round = 0; round < ROUNDS; round++) {
    const raw = openRawSqlite(path(), 'FULL');
    const rawSingle = await eventsPerSecond(SINGLE_EVENTS, () => {
      for (let i = 0; i < SINGLE_EVENTS; i++) raw.insertOne(rows[i]);
    });
    raw.close();

    const rawJit = openRawSqlite(path(), 'FULL');
    const jit = new JustInTimeRows(sealer);
    const rawSealingSingle = await eventsPerSecond(SINGLE_EVENTS, () => {
      for (let i = 0; i < SINGLE_EVENTS; i++) rawJit.insertOne(jit.next());
    });
    rawJit.close();

    let store = await openSqliteEventStore({ path: path(), sealer, synchronous: 'FULL' });
    const storeSingleRate = await storeSingle(store, SINGLE_EVENTS);
    await store.close();

    const rawMany = openRawSqlite(path(), 'FULL');
    const rawBatched = await eventsPerSecond(BATCHES * BATCH_SIZE, () => {
      for (let b = 0; b < BATCHES; b++) rawMany.insertMany(rows.slice(b * BATCH_SIZE, (b + 1) * BATCH_SIZE));
    });
    rawMany.close();

    const rawJitMany = openRawSqlite(path(), 'FULL');
    const jitMany = new JustInTimeRows(sealer);
    const rawSealingBatched = await eventsPerSecond(BATCHES * BATCH_SIZE, () => {
      for (let b = 0; b < BATCHES; b++) rawJitMany.insertMany(Array.from({ length: BATCH_SIZE }, () => jitMany.next()));
    });
    rawJitMany.close();

    store = await openSqliteEventStore({ path: path(), sealer, synchronous: 'FULL' });
    const storeBatchedRate = await storeBatched(store, BATCHES);
    await store.close();

    runs.push({
      single: { store: storeSingleRate, raw: rawSingle, rawSealing: rawSealingSingle },
      batched: { store: storeBatchedRate, raw: rawBatched, rawSealing: rawSealingBatched },
    });
  }
  return medianRun(runs);
}

async function measurePostgres(): Promise<DialectRun> {
  const sealer = createTestSealer(ORIGIN);
  const rows = prebuildRows(sealer, Math.max(SINGLE_EVENTS, BATCHES * BATCH_SIZE));
  const schemas: string[] = [];
  const schema = () => {
    const name = `bench_append_${process.pid}_${schemas.length}`;
    schemas.push(name);
    return name;
  };
  const runs: DialectRun[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const raw = await openRawPostgres(DATABASE_URL, schema());
      const rawSingle = await eventsPerSecond(SINGLE_EVENTS, async () => {
        for (let i = 0; i < SINGLE_EVENTS; i++) await raw.insertOne(rows[i]);
      });
      await raw.close();

      const rawJit = await openRawPostgres(DATABASE_URL, schema());
      const jit = new JustInTimeRows(sealer);
      const rawSealingSingle = await eventsPerSecond(SINGLE_EVENTS, async () => {
        for (let i = 0; i < SINGLE_EVENTS; i++) await rawJit.insertOne(jit.next());
      });
      await rawJit.close();

      let store = await openPostgresEventStore({ url: DATABASE_URL, schema: schema(), sealer });
      const storeSingleRate = await storeSingle(store, SINGLE_EVENTS);
      await store.close();

      const rawMany = await openRawPostgres(DATABASE_URL, schema());
      const rawBatched = await eventsPerSecond(BATCHES * BATCH_SIZE, async () => {
        for (let b = 0; b < BATCHES; b++) await rawMany.insertMany(rows.slice(b * BATCH_SIZE, (b + 1) * BATCH_SIZE));
      });
      await rawMany.close();

      const rawJitMany = await openRawPostgres(DATABASE_URL, schema());
      const jitMany = new JustInTimeRows(sealer);
      const rawSealingBatched = await eventsPerSecond(BATCHES * BATCH_SIZE, async () => {
        for (let b = 0; b < BATCHES; b++) await rawJitMany.insertMany(Array.from({ length: BATCH_SIZE }, () => jitMany.next()));
      });
      await rawJitMany.close();

      store = await openPostgresEventStore({ url: DATABASE_URL, schema: schema(), sealer });
      const storeBatchedRate = await storeBatched(store, BATCHES);
      await store.close();

      runs.push({
        single: { store: storeSingleRate, raw: rawSingle, rawSealing: rawSealingSingle },
        batched: { store: storeBatchedRate, raw: rawBatched, rawSealing: rawSealingBatched },
      });
    }
  } finally {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    for (const name of schemas) await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
    await client.end();
  }
  return medianRun(runs);
}

function medianRun(runs: readonly DialectRun[]): DialectRun {
  const pick = (f: (run: DialectRun) => number) => median(runs.map(f));
  return {
    single: { store: pick((r) => r.single.store), raw: pick((r) => r.single.raw), rawSealing: pick((r) => r.single.rawSealing) },
    batched: { store: pick((r) => r.batched.store), raw: pick((r) => r.batched.raw), rawSealing: pick((r) => r.batched.rawSealing) },
  };
}

function report(dialect: string, run: DialectRun): Record<string, unknown> {
  console.log(`\n${dialect}`);
  printFigure({ name: 'store, 1 event per append (sealed, signed)', value: run.single.store, unit: 'events/s' });
  printFigure({ name: 'anchor: raw insert, 1 presigned row per transaction', value: run.single.raw, unit: 'events/s' });
  printFigure({ name: 'anchor: raw insert, signed at insert time, 1 per tx', value: run.single.rawSealing, unit: 'events/s' });
  const single = run.single.store / run.single.raw;
  const singleMet = printRatio('ratio store / raw (1 per transaction)', single, GOAL_SINGLE);
  console.log(`  ${'ratio store / raw signed at insert time'.padEnd(58)} ${(run.single.store / run.single.rawSealing).toFixed(2).padStart(10)} x`);
  printFigure({ name: `store, ${BATCH_SIZE} events per append`, value: run.batched.store, unit: 'events/s' });
  printFigure({ name: `anchor: raw insert, ${BATCH_SIZE} presigned rows per transaction`, value: run.batched.raw, unit: 'events/s' });
  printFigure({ name: `anchor: raw insert, signed at insert time, ${BATCH_SIZE} per tx`, value: run.batched.rawSealing, unit: 'events/s' });
  const batched = run.batched.store / run.batched.raw;
  const batchedMet = printRatio(`ratio store / raw (${BATCH_SIZE} per transaction)`, batched, GOAL_BATCHED);
  console.log(`  ${'ratio store / raw signed at insert time'.padEnd(58)} ${(run.batched.store / run.batched.rawSealing).toFixed(2).padStart(10)} x`);
  return {
    [`${dialect}SingleStore`]: round(run.single.store),
    [`${dialect}SingleRaw`]: round(run.single.raw),
    [`${dialect}SingleRawSigned`]: round(run.single.rawSealing),
    [`${dialect}SingleRatio`]: round(single),
    [`${dialect}SingleRatioVsSigned`]: round(run.single.store / run.single.rawSealing),
    [`${dialect}SingleGoalMet`]: singleMet,
    [`${dialect}BatchedStore`]: round(run.batched.store),
    [`${dialect}BatchedRaw`]: round(run.batched.raw),
    [`${dialect}BatchedRawSigned`]: round(run.batched.rawSealing),
    [`${dialect}BatchedRatio`]: round(batched),
    [`${dialect}BatchedRatioVsSigned`]: round(run.batched.store / run.batched.rawSealing),
    [`${dialect}BatchedGoalMet`]: batchedMet,
  };
}

async function main(): Promise<void> {
  console.log(`append benchmark: ${ROUNDS} rounds (median), ${SINGLE_EVENTS} single appends, ${BATCHES} x ${BATCH_SIZE} batched appends per round`);
  const dir = mkdtempSync(join(tmpdir(), 'swarmtube-bench-append-'));
  let summary: Record<string, unknown> = { bench: 'append', rounds: ROUNDS };
  try {
    if (ONLY !== 'postgres') summary = { ...summary, ...report('sqlite', await measureSqlite(dir)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (ONLY !== 'sqlite') {
    try {
      summary = { ...summary, ...report('postgres', await measurePostgres()) };
    } catch (error) {
      console.log(`\npostgres: skipped (${(error as Error).message})`);
      summary.postgres = 'skipped';
    }
  }
  console.log('');
  printSummary(summary);
}

await main();

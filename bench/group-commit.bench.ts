import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashEvent } from '@swarmtube/event-envelope';
import { openSqliteEventStore } from '@swarmtube/event-store';
import { createTestSealer } from '@swarmtube/testing';
import { printFigure, printRatio, printSummary, round } from './lib/bench-report.js';
import { measureFsyncRate } from './lib/fsync-rate.js';

/**
 * Group commit on SQLite with synchronous=FULL: 100 concurrent appenders against the
 * disk's own fsync rate, measured by dd in the same data folder just before and after.
 * Then durability: a child appends concurrently and prints every acknowledged id, we
 * kill -9 it mid-stream, reopen the file and look for every acknowledged id.
 *   node dist/bench/group-commit.bench.js   (env: BENCH_SECONDS=3, BENCH_KILL_AFTER=3000)
 */

const APPENDERS = 100;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const KILL_AFTER_ACKS = Number(process.env.BENCH_KILL_AFTER ?? 3000);
const GOAL = 5;
const ORIGIN = 'http://localhost:9001/federation/actor';

async function throughput(dataDir: string) {
  const store = await openSqliteEventStore({ path: join(dataDir, 'group-commit.sqlite'), sealer: createTestSealer(ORIGIN), synchronous: 'FULL' });
  try {
    // Warm up: schema, page cache, JIT.
    await Promise.all(Array.from({ length: APPENDERS }, (_, k) => store.append(`warm:${k}`, [{ type: 'T', schemaVersion: 1, data: { k } }], { expectedVersion: 'any' })));
    const before = store.stats();
    let stop = false;
    let appended = 0;
    const started = process.hrtime.bigint();
    const appender = async (k: number) => {
      for (let i = 0; !stop; i++) {
        await store.append(`appender:${k}`, [{ type: 'TestHappened', schemaVersion: 1, data: { k, i } }], { expectedVersion: 'any' });
        appended++;
      }
    };
    const running = Array.from({ length: APPENDERS }, (_, k) => appender(k));
    await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
    stop = true;
    await Promise.all(running);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const after = store.stats();
    return { appendsPerSecond: appended / seconds, commits: after.commits - before.commits, appended };
  } finally {
    await store.close();
  }
}

async function durability(dataDir: string) {
  const path = join(dataDir, 'durability.sqlite');
  const childScript = join(dirname(fileURLToPath(import.meta.url)), 'lib', 'durability-child.js');
  const child = spawn(process.execPath, [childScript, path, '50'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const acknowledged: string[] = [];
  let pending = '';
  let killedAt = 0;
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('close', (code, signal) => resolve(signal ?? code)));
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('urn:uuid:')) acknowledged.push(line);
    if (killedAt === 0 && acknowledged.length >= KILL_AFTER_ACKS) {
      killedAt = acknowledged.length;
      child.kill('SIGKILL');
    }
  });
  const how = await exited;
  if (how !== 'SIGKILL') throw new Error(`the child ended by ${String(how)} before it could be killed`);

  // A partial last line is an id the child had not finished printing: not acknowledged.
  const store = await openSqliteEventStore({ path, sealer: createTestSealer(ORIGIN) });
  try {
    const log = await store.readAll({ after: 0, limit: 10_000_000 });
    const present = new Set(log.map((e) => e.event.id));
    const missing = acknowledged.filter((id) => !present.has(id));
    const gapFree = log.every((e, i) => e.position === i + 1);
    const chainIntact = log.every((e, i) => e.event.originSeq === i + 1 && e.event.prevHash === (i === 0 ? null : hashEvent(log[i - 1].event)));
    return { acknowledged: acknowledged.length, killedAfter: killedAt, inLog: log.length, missing: missing.length, gapFree, chainIntact };
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'swarmtube-bench-group-commit-'));
  try {
    console.log(`group commit: SQLite synchronous=FULL, ${APPENDERS} concurrent appenders for ${SECONDS} s, data in ${dataDir}`);
    const fsyncBefore = measureFsyncRate(dataDir);
    const run = await throughput(dataDir);
    const fsyncAfter = measureFsyncRate(dataDir);
    const fsyncRate = (fsyncBefore + fsyncAfter) / 2;
    const ratio = run.appendsPerSecond / fsyncRate;
    printFigure({ name: `store appends, ${APPENDERS} concurrent appenders`, value: run.appendsPerSecond, unit: 'appends/s' });
    printFigure({ name: 'anchor: dd 4k oflag=dsync (mean of before and after)', value: fsyncRate, unit: 'writes/s' });
    printFigure({ name: '  dd before / after', value: fsyncBefore, unit: `/ ${Math.round(fsyncAfter)} writes/s` });
    printFigure({ name: 'appends per commit (group size)', value: run.appended / run.commits, unit: 'appends' });
    const met = printRatio('ratio appends/s / fsyncs/s', ratio, GOAL);

    console.log(`\ndurability: a child appends with 50 concurrent appenders, kill -9 after ${KILL_AFTER_ACKS} acknowledged ids`);
    const check = await durability(dataDir);
    printFigure({ name: 'ids acknowledged before kill -9', value: check.acknowledged, unit: 'ids' });
    printFigure({ name: 'events in the reopened log', value: check.inLog, unit: 'events' });
    printFigure({ name: 'acknowledged ids missing from the log', value: check.missing, unit: 'ids' });
    console.log(`  ${'log after recovery'.padEnd(58)} ${check.gapFree ? 'gap-free' : 'HAS GAPS'}, chain ${check.chainIntact ? 'intact' : 'BROKEN'}`);
    console.log('');
    printSummary({
      bench: 'group-commit',
      appenders: APPENDERS,
      appendsPerSecond: round(run.appendsPerSecond),
      fsyncPerSecond: round(fsyncRate),
      fsyncBefore: round(fsyncBefore),
      fsyncAfter: round(fsyncAfter),
      appendsPerCommit: round(run.appended / run.commits),
      ratio: round(ratio),
      goalMet: met,
      acknowledged: check.acknowledged,
      inLog: check.inLog,
      missing: check.missing,
      gapFree: check.gapFree,
      chainIntact: check.chainIntact,
    });
    if (check.missing > 0 || !check.gapFree || !check.chainIntact) process.exitCode = 1;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();

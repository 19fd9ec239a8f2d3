import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

/** Another process (a running pod, or an admin command) has this data open. */
export class DataLockedError extends Error {
  readonly code = 'data-in-use';
}

export interface DataLock {
  readonly description: string;
  release(): Promise<void>;
}

export interface DataLockTarget {
  /** `sqlite` or a postgres:// URL (as in the config). */
  database: string;
  dataDir: string;
  schema: string;
  /** Who takes it, for the message another process gets: `pod`, `admin reset-password`… */
  holder: string;
}

/** Locks this process holds, so a second open in the same process is refused too. */
const held = new Set<string>();

/**
 * One process at a time owns a pod's data: a pod, or an admin command on a stopped pod.
 * SQLite: `<dataDir>/pod.lock` holds the owner's PID, created exclusively; a lock whose PID is
 * no longer a live process (a pod killed with SIGKILL) is stale and taken over.
 * PostgreSQL: a session advisory lock per schema, on a connection held open for as long as the
 * data is in use; the server drops it with the connection when the owner dies.
 */
export async function acquireDataLock(target: DataLockTarget): Promise<DataLock> {
  return target.database === 'sqlite' ? lockFile(target) : lockSchema(target);
}

function lockFile(target: DataLockTarget): DataLock {
  const path = join(target.dataDir, 'pod.lock');
  const record = JSON.stringify({ pid: process.pid, holder: target.holder, since: new Date().toISOString() }) + '\n';
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, record, { flag: 'wx', mode: 0o600 });
      held.add(path);
      return {
        description: path,
        async release() {
          held.delete(path);
          rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(path);
    if (owner && isAlive(owner.pid) && (owner.pid !== process.pid || held.has(path))) {
      throw new DataLockedError(
        `the data in ${target.dataDir} is in use by a running ${owner.holder ?? 'process'} (PID ${owner.pid}, since ${owner.since ?? '?'}): stop it first (${path})`,
      );
    }
    // Stale: its owner died without removing it.
    rmSync(path, { force: true });
  }
  throw new DataLockedError(`could not take ${path}: another process keeps taking it`);
}

function readOwner(path: string): { pid: number; holder?: string; since?: string } | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { pid?: unknown; holder?: string; since?: string };
    return Number.isSafeInteger(parsed.pid) && (parsed.pid as number) > 0 ? { ...parsed, pid: parsed.pid as number } : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lockKey(schema: string): string {
  return BigInt.asIntN(64, createHash('sha256').update(`swarmtube:live:${schema}`).digest().readBigUInt64BE(0)).toString();
}

async function lockSchema(target: DataLockTarget): Promise<DataLock> {
  const client = new pg.Client({ connectionString: target.database, application_name: `swarmtube ${target.holder} (PID ${process.pid})`, connectionTimeoutMillis: 10_000 });
  // A dropped connection is reported by the next query; without a listener it would crash the process.
  client.on('error', () => {});
  await client.connect();
  const key = lockKey(target.schema);
  try {
    const [row] = (await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key])).rows;
    if (!row?.ok) {
      const holders = (
        await client.query<{ application_name: string }>(
          `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
           WHERE l.locktype = 'advisory' AND l.granted AND ((l.classid::bigint << 32) | l.objid::bigint) = $1::bigint`,
          [key],
        )
      ).rows.map((r) => r.application_name || 'another session');
      throw new DataLockedError(`the PostgreSQL schema ${target.schema} is in use by ${holders.join(', ') || 'another session'}: stop it first`);
    }
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  return {
    description: `advisory lock on schema ${target.schema}`,
    async release() {
      await client.end().catch(() => {});
    },
  };
}

import { createHash } from 'node:crypto';
import type pg from 'pg';
import { StoreConfigError } from '../errors.js';

/** Lower-case identifiers only: the name goes into search_path and DDL without quoting games. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) {
    throw new StoreConfigError(`PostgreSQL schema ${JSON.stringify(schema)} must match ${SCHEMA_NAME} (lower-case letters, digits, _)`);
  }
}

function digest(schema: string, purpose: string): Buffer {
  return createHash('sha256').update(`swarmtube:${purpose}:${schema}`).digest();
}

/** Advisory-lock key serializing the writers of one schema's log, across processes. */
export function writerLockKey(schema: string): string {
  return BigInt.asIntN(64, digest(schema, 'writer').readBigUInt64BE(0)).toString();
}

/** Advisory-lock key serializing schema creation, so two pods starting at once do not race. */
export function setupLockKey(schema: string): string {
  return BigInt.asIntN(64, digest(schema, 'setup').readBigUInt64BE(0)).toString();
}

/** NOTIFY channels are database-wide: one per schema, so one pod's commits wake only its own readers. */
export function notifyChannel(schema: string): string {
  return `swarmtube_events_${digest(schema, 'channel').toString('hex').slice(0, 16)}`;
}

export async function createSchema(client: pg.ClientBase, schema: string): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(`SELECT pg_advisory_xact_lock(${setupLockKey(schema)})`);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS ${schema}.events (
        position BIGINT PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        stream TEXT NOT NULL,
        stream_version INTEGER NOT NULL,
        origin TEXT NOT NULL,
        origin_seq BIGINT NOT NULL,
        type TEXT NOT NULL,
        hash TEXT NOT NULL,
        body TEXT NOT NULL,
        UNIQUE (stream, stream_version),
        UNIQUE (origin, origin_seq)
      )`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

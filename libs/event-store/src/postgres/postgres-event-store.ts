import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import type { EventDraft, EventEnvelope } from '@swarmtube/event-envelope';
import { InvalidStoreInputError, StoreClosedError, StoreUnavailableError } from '../errors.js';
import type {
  AppendResult,
  EventSealer,
  EventStoreStats,
  ExpectedVersion,
  ForeignOutcome,
  OpenedEventStore,
  StoredEvent,
  Subscription,
} from '../event-store.port.js';
import { toStoredEvent, type EventRow } from '../shared/event-row.js';
import { GroupCommitQueue } from '../shared/group-commit-queue.js';
import {
  assertDrafts,
  assertExpectedVersion,
  assertFromVersion,
  assertOriginName,
  assertReadWindow,
  assertStreamName,
} from '../shared/input-validation.js';
import type { PreloadedLogState } from '../shared/log-state.js';
import { openLogSubscription } from '../shared/log-subscription.js';
import { WakeSignal } from '../shared/wake-signal.js';
import { WriteCounters, type WriteJob } from '../shared/write-job.js';
import {
  collectForeignKeys,
  collectLocalKeys,
  emptyStateKeys,
  planForeignAppend,
  planLocalAppend,
  type PlanContext,
} from '../shared/write-plan.js';
import { toStoreError } from './postgres-errors.js';
import { PostgresListener } from './postgres-listener.js';
import { insertRows, loadLogState } from './postgres-log-state.js';
import { PostgresWriteCache } from './postgres-write-cache.js';
import { PostgresReadModelDatabase } from './postgres-read-models.js';
import { assertSchemaName, createSchema, notifyChannel, writerLockKey } from './postgres-schema.js';

export interface PostgresEventStoreOptions {
  /** postgres://user@host:port/database */
  url: string;
  /** Where the log and read models live; created if missing. Default `public`. */
  schema?: string;
  sealer: EventSealer;
  poolSize?: number;
  /** How often idle subscriptions re-read the log when no NOTIFY arrives (default 1000 ms). */
  pollIntervalMs?: number;
  /** At most this many append calls per transaction. */
  maxBatch?: number;
  /** For tests: the clock that stamps occurredAt. */
  now?: () => Date;
}

interface RowShape {
  position: string;
  stream_version: number;
  hash: string;
  body: string;
}

const SELECTED = 'SELECT position, stream_version, hash, body FROM events';

function fromRow(row: RowShape): StoredEvent {
  return toStoredEvent({ position: Number(row.position), streamVersion: row.stream_version, hash: row.hash, body: row.body });
}

interface Settled {
  rows: EventRow[];
  settle: () => void;
}

/**
 * The log on PostgreSQL, for several pod processes sharing one database. Writers of a
 * schema are serialized by a transaction-level advisory lock, and positions are max + 1
 * under that lock: they commit in order with no gaps, so a reader at position N never
 * skips an event that commits after it looked.
 */
export class PostgresEventStore implements OpenedEventStore {
  readonly dialect = 'postgres' as const;
  readonly readModels: PostgresReadModelDatabase;
  private readonly queue: GroupCommitQueue<WriteJob>;
  private readonly wake: WakeSignal;
  private readonly subscriptions = new Set<Subscription>();
  private readonly counters = new WriteCounters();
  private readonly cache = new PostgresWriteCache();
  private readonly context: PlanContext;
  private readonly lockKey: string;
  private readonly channel: string;
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly listener: PostgresListener,
    private readonly options: PostgresEventStoreOptions & { schema: string },
    wake: WakeSignal,
  ) {
    this.wake = wake;
    this.lockKey = writerLockKey(options.schema);
    this.channel = notifyChannel(options.schema);
    this.context = { sealer: options.sealer, now: options.now ?? (() => new Date()), newId: () => `urn:uuid:${uuidv7()}` };
    this.queue = new GroupCommitQueue((batch) => this.commitBatch(batch), options.maxBatch ?? 500);
    this.readModels = new PostgresReadModelDatabase(pool, (work) => this.guard(work));
  }

  /** @throws StoreConfigError for a bad schema name, StoreUnavailableError when PostgreSQL cannot be reached. */
  static async open(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const schema = options.schema ?? 'public';
    assertSchemaName(schema);
    const connection: pg.ClientConfig = { connectionString: options.url, options: `-c search_path=${schema}`, connectionTimeoutMillis: 10_000 };
    const pool = new pg.Pool({ ...connection, max: options.poolSize ?? 10 });
    // An idle pooled client losing its server emits here; the next checkout just reconnects.
    pool.on('error', () => undefined);
    try {
      const client = await pool.connect();
      try {
        await createSchema(client, schema);
      } finally {
        client.release();
      }
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new StoreUnavailableError(`cannot open the event log in PostgreSQL schema ${schema}: ${(error as Error).message}`, error);
    }
    const wake = new WakeSignal();
    const listener = new PostgresListener(connection, notifyChannel(schema), wake);
    await listener.start();
    return new PostgresEventStore(pool, listener, { ...options, schema }, wake);
  }

  append(stream: string, drafts: EventDraft[], options: { expectedVersion: ExpectedVersion }): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.assertOpen();
      assertStreamName(stream);
      assertDrafts(drafts);
      assertExpectedVersion(options?.expectedVersion);
      this.queue.push({ kind: 'local', request: { stream, drafts, expectedVersion: options.expectedVersion }, resolve, reject });
    });
  }

  appendForeign(events: EventEnvelope[]): Promise<ForeignOutcome[]> {
    return new Promise((resolve, reject) => {
      this.assertOpen();
      if (!Array.isArray(events)) throw new InvalidStoreInputError('appendForeign takes an array of envelopes');
      this.queue.push({ kind: 'foreign', events, resolve, reject });
    });
  }

  readStream(stream: string, options?: { fromVersion?: number }): Promise<StoredEvent[]> {
    return this.guard(async () => {
      assertStreamName(stream);
      assertFromVersion(options?.fromVersion);
      return this.select(`${SELECTED} WHERE stream = $1 AND stream_version >= $2 ORDER BY stream_version`, [stream, options?.fromVersion ?? 1]);
    });
  }

  readAll(options: { after: number; limit: number }): Promise<StoredEvent[]> {
    return this.guard(async () => {
      assertReadWindow(options);
      return this.select(`${SELECTED} WHERE position > $1 ORDER BY position LIMIT $2`, [options.after, options.limit]);
    });
  }

  readOrigin(origin: string, options: { after: number; limit: number }): Promise<StoredEvent[]> {
    return this.guard(async () => {
      assertOriginName(origin);
      assertReadWindow(options);
      return this.select(`${SELECTED} WHERE origin = $1 AND origin_seq > $2 ORDER BY origin_seq LIMIT $3`, [origin, options.after, options.limit]);
    });
  }

  originHead(origin: string): Promise<{ seq: number; hash: string } | null> {
    return this.guard(async () => {
      assertOriginName(origin);
      const { rows } = await this.pool.query<{ origin_seq: string; hash: string }>(
        'SELECT origin_seq, hash FROM events WHERE origin = $1 ORDER BY origin_seq DESC LIMIT 1',
        [origin],
      );
      return rows.length === 0 ? null : { seq: Number(rows[0].origin_seq), hash: rows[0].hash };
    });
  }

  origins(): Promise<Array<{ origin: string; seq: number; hash: string }>> {
    return this.guard(async () => {
      const { rows } = await this.pool.query<{ origin: string; origin_seq: string; hash: string }>(
        `SELECT DISTINCT ON (origin) origin, origin_seq, hash FROM events ORDER BY origin, origin_seq DESC`,
      );
      return rows.map((row) => ({ origin: row.origin, seq: Number(row.origin_seq), hash: row.hash }));
    });
  }

  headPosition(): Promise<number> {
    return this.guard(async () => {
      const { rows } = await this.pool.query<{ p: string }>('SELECT COALESCE(MAX(position), 0) AS p FROM events');
      return Number(rows[0].p);
    });
  }

  subscribe(after: number, handler: (batch: StoredEvent[]) => Promise<void> | void, options?: { batchSize?: number; retryDelayMs?: number }): Subscription {
    this.assertOpen();
    return openLogSubscription(
      { readAll: (window) => this.readAll(window), wake: this.wake, subscriptions: this.subscriptions, pollIntervalMs: this.options.pollIntervalMs ?? 1000 },
      after,
      handler,
      options,
    );
  }

  stats(): EventStoreStats {
    return this.counters.snapshot();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.drained();
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.listener.stop();
    await this.pool.end();
  }

  private async select(sql: string, params: unknown[]): Promise<StoredEvent[]> {
    const { rows } = await this.pool.query<RowShape>(sql, params);
    return rows.map(fromRow);
  }

  /**
   * One transaction per batch. Every call is planned against the state loaded under the
   * lock, so a call's ConcurrencyError or DuplicateEventError is found before it writes
   * anything; the batch's rows then go in with one INSERT. Should that INSERT fail anyway
   * (an id collision the planner could not see), the batch is redone with one SAVEPOINT per
   * call, so that only the guilty call fails.
   */
  private async commitBatch(batch: WriteJob[], isolated = false): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      for (const job of batch) job.reject(toStoreError(error));
      return;
    }
    let broken = false;
    const settled: Settled[] = [];
    let retryIsolated: WriteJob[] | null = null;
    let state: PreloadedLogState;
    try {
      state = await this.beginWrite(client, batch);
      const planned: Array<Settled & { job: WriteJob }> = [];
      for (const job of batch) {
        let result: Settled;
        try {
          result = this.plan(job, state);
        } catch (error) {
          job.reject(error);
          continue;
        }
        if (!isolated) {
          state.apply(result.rows);
          planned.push({ job, ...result });
          continue;
        }
        await client.query('SAVEPOINT append_call');
        try {
          await insertRows(client, result.rows);
          await client.query('RELEASE SAVEPOINT append_call');
          state.apply(result.rows);
          settled.push(result);
        } catch (error) {
          await client.query('ROLLBACK TO SAVEPOINT append_call; RELEASE SAVEPOINT append_call');
          job.reject(toStoreError(error));
        }
      }
      if (!isolated) {
        try {
          await insertRows(client, planned.flatMap((p) => p.rows));
          settled.push(...planned);
        } catch (error) {
          this.cache.invalidate();
          await client.query('ROLLBACK');
          if (planned.length === 1) planned[0].job.reject(toStoreError(error));
          else retryIsolated = planned.map((p) => p.job);
          return;
        }
      }
      const wrote = settled.some((s) => s.rows.length > 0);
      await client.query(wrote ? `NOTIFY ${this.channel}; COMMIT` : 'COMMIT');
    } catch (error) {
      this.cache.invalidate();
      retryIsolated = null;
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      const failure = toStoreError(error);
      // Calls already rejected keep their own error: a promise settles once.
      for (const job of batch) job.reject(failure);
      return;
    } finally {
      client.release(broken);
      if (retryIsolated) await this.commitBatch(retryIsolated, true);
    }
    this.cache.committed(state);
    this.counters.commits++;
    for (const { rows, settle } of settled) {
      this.counters.writes++;
      this.counters.events += rows.length;
      settle();
    }
    if (settled.some((s) => s.rows.length > 0)) this.wake.notify();
  }

  /** BEGIN, the writers' lock and the head in one round trip; then only the state the cache lacks. */
  private async beginWrite(client: pg.PoolClient, batch: readonly WriteJob[]): Promise<PreloadedLogState> {
    // Generic plans: the state query and the INSERT take arrays, and re-planning them for
    // every transaction cost more than running them.
    const results = (await client.query(
      `BEGIN; SET LOCAL plan_cache_mode = force_generic_plan; SELECT pg_advisory_xact_lock(${this.lockKey}); SELECT COALESCE(MAX(position), 0) AS head FROM events`,
    )) as unknown as pg.QueryResult<{ head: string }>[];
    const head = Number(results[results.length - 1].rows[0].head);
    const missing = this.cache.begin(head, this.keysOf(batch));
    return this.cache.state(await loadLogState(client, missing));
  }

  private keysOf(batch: readonly WriteJob[]) {
    const keys = emptyStateKeys();
    for (const job of batch) {
      if (job.kind === 'local') collectLocalKeys(keys, job.request, this.options.sealer.origin);
      else collectForeignKeys(keys, job.events);
    }
    return keys;
  }

  private plan(job: WriteJob, state: PreloadedLogState): Settled {
    if (job.kind === 'local') {
      const plan = planLocalAppend(job.request, state, this.context);
      const result: AppendResult = { streamVersion: plan.streamVersion, events: plan.rows.map(toStoredEvent) };
      return { rows: plan.rows, settle: () => job.resolve(result) };
    }
    const plan = planForeignAppend(job.events, state);
    return { rows: plan.rows, settle: () => job.resolve(plan.outcomes) };
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    this.assertOpen();
    try {
      return await work();
    } catch (error) {
      throw toStoreError(error);
    }
  }
}

export function openPostgresEventStore(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
  return PostgresEventStore.open(options);
}

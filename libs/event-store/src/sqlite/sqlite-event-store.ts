import type Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import type { EventDraft, EventEnvelope } from '@swarmtube/event-envelope';
import { DuplicateEventError, InvalidStoreInputError, StoreClosedError } from '../errors.js';
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
import { openLogSubscription } from '../shared/log-subscription.js';
import { WakeSignal } from '../shared/wake-signal.js';
import { WriteCounters, type WriteJob } from '../shared/write-job.js';
import { planForeignAppend, planLocalAppend, type PlanContext } from '../shared/write-plan.js';
import { openSqliteDatabase, type SqliteSynchronous } from './open-sqlite-database.js';
import { isUniqueViolationOn, toStoreError } from './sqlite-errors.js';
import { SqliteLogState } from './sqlite-log-state.js';
import { SqliteReadModelDatabase } from './sqlite-read-models.js';

export interface SqliteEventStoreOptions {
  /** The pod's log file; created with its schema when missing. */
  path: string;
  sealer: EventSealer;
  /** FULL (default) fsyncs every commit; NORMAL may lose the last commits on power loss. */
  synchronous?: SqliteSynchronous;
  /** How often idle subscriptions re-read the log anyway (another process writing the file). */
  pollIntervalMs?: number;
  /** At most this many append calls per transaction. */
  maxBatch?: number;
  /** For tests: the clock that stamps occurredAt. */
  now?: () => Date;
}

interface RowShape {
  position: number;
  stream_version: number;
  hash: string;
  body: string;
}

const SELECTED = 'SELECT position, stream_version, hash, body FROM events';

function fromRow(row: RowShape): StoredEvent {
  return toStoredEvent({ position: row.position, streamVersion: row.stream_version, hash: row.hash, body: row.body });
}

/**
 * The embedded event store: one SQLite file per pod in WAL mode. better-sqlite3 is
 * synchronous, so a whole group commit (every savepoint, every seal, the COMMIT) runs in one
 * turn of the event loop and nothing can interleave with it.
 */
export class SqliteEventStore implements OpenedEventStore {
  readonly dialect = 'sqlite' as const;
  readonly readModels: SqliteReadModelDatabase;
  private readonly state: SqliteLogState;
  private readonly queue: GroupCommitQueue<WriteJob>;
  private readonly wake = new WakeSignal();
  private readonly subscriptions = new Set<Subscription>();
  private readonly counters = new WriteCounters();
  private readonly context: PlanContext;
  private readonly statements: {
    readAll: Database.Statement<[number, number], RowShape>;
    readStream: Database.Statement<[string, number], RowShape>;
    readOrigin: Database.Statement<[string, number, number], RowShape>;
    origins: Database.Statement<[], { origin: string; origin_seq: number; hash: string }>;
    head: Database.Statement<[], { p: number }>;
  };
  // Prepared once: at a hundred calls per commit, re-parsing SAVEPOINT/RELEASE showed in profiles.
  private readonly transactionStatements: Record<'begin' | 'savepoint' | 'release' | 'rollbackTo' | 'commit', Database.Statement>;
  private closed = false;

  private constructor(
    private readonly db: Database.Database,
    private readonly options: SqliteEventStoreOptions,
  ) {
    this.state = new SqliteLogState(db);
    this.context = { sealer: options.sealer, now: options.now ?? (() => new Date()), newId: () => `urn:uuid:${uuidv7()}` };
    this.queue = new GroupCommitQueue((batch) => this.commitBatch(batch), options.maxBatch ?? 500);
    this.readModels = new SqliteReadModelDatabase(db, (work) => this.guard(work));
    this.transactionStatements = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      savepoint: db.prepare('SAVEPOINT append_call'),
      release: db.prepare('RELEASE append_call'),
      rollbackTo: db.prepare('ROLLBACK TO append_call'),
      commit: db.prepare('COMMIT'),
    };
    this.statements = {
      readAll: db.prepare(`${SELECTED} WHERE position > ? ORDER BY position LIMIT ?`),
      readStream: db.prepare(`${SELECTED} WHERE stream = ? AND stream_version >= ? ORDER BY stream_version`),
      readOrigin: db.prepare(`${SELECTED} WHERE origin = ? AND origin_seq > ? ORDER BY origin_seq LIMIT ?`),
      origins: db.prepare(
        `SELECT e.origin, e.origin_seq, e.hash FROM events e
         JOIN (SELECT origin, MAX(origin_seq) AS seq FROM events GROUP BY origin) h ON h.origin = e.origin AND h.seq = e.origin_seq
         ORDER BY e.origin`,
      ),
      head: db.prepare('SELECT COALESCE(MAX(position), 0) AS p FROM events'),
    };
  }

  /** @throws CorruptStoreError when the file is not a sound SQLite database. */
  static async open(options: SqliteEventStoreOptions): Promise<SqliteEventStore> {
    return new SqliteEventStore(openSqliteDatabase(options.path, options.synchronous ?? 'FULL'), options);
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

  async readStream(stream: string, options?: { fromVersion?: number }): Promise<StoredEvent[]> {
    assertStreamName(stream);
    assertFromVersion(options?.fromVersion);
    return this.guard(() => this.statements.readStream.all(stream, options?.fromVersion ?? 1).map(fromRow));
  }

  async readAll(options: { after: number; limit: number }): Promise<StoredEvent[]> {
    assertReadWindow(options);
    return this.guard(() => this.statements.readAll.all(options.after, options.limit).map(fromRow));
  }

  async readOrigin(origin: string, options: { after: number; limit: number }): Promise<StoredEvent[]> {
    assertOriginName(origin);
    assertReadWindow(options);
    return this.guard(() => this.statements.readOrigin.all(origin, options.after, options.limit).map(fromRow));
  }

  async originHead(origin: string): Promise<{ seq: number; hash: string } | null> {
    assertOriginName(origin);
    return this.guard(() => this.state.originHead(origin));
  }

  async origins(): Promise<Array<{ origin: string; seq: number; hash: string }>> {
    return this.guard(() => this.statements.origins.all().map((row) => ({ origin: row.origin, seq: row.origin_seq, hash: row.hash })));
  }

  async headPosition(): Promise<number> {
    return this.guard(() => this.statements.head.get()!.p);
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
    this.db.close();
  }

  /** One transaction for the whole batch, one savepoint per call: a failing call fails alone. */
  private commitBatch(batch: WriteJob[]): void {
    const succeeded: Array<{ job: WriteJob; rows: EventRow[]; settle: () => void }> = [];
    const tx = this.transactionStatements;
    try {
      tx.begin.run();
    } catch (error) {
      for (const job of batch) job.reject(toStoreError(error, this.options.path));
      return;
    }
    // A lone call needs no savepoint: the transaction is already its all-or-nothing.
    const isolate = batch.length > 1;
    try {
      for (const job of batch) {
        if (isolate) tx.savepoint.run();
        try {
          succeeded.push({ job, ...this.write(job) });
          if (isolate) tx.release.run();
        } catch (error) {
          if (!isolate) throw error;
          // Throws when SQLite already rolled the whole transaction back (disk full, I/O error).
          tx.rollbackTo.run();
          tx.release.run();
          job.reject(toStoreError(error, this.options.path));
        }
      }
      tx.commit.run();
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      const failure = toStoreError(error, this.options.path);
      for (const { job } of succeeded) job.reject(failure);
      // Jobs not reached yet, and the one whose rollback failed: rejecting twice is harmless.
      for (const job of batch) job.reject(failure);
      return;
    }
    this.counters.commits++;
    for (const { rows, settle } of succeeded) {
      this.counters.writes++;
      this.counters.events += rows.length;
      settle();
    }
    if (succeeded.some(({ rows }) => rows.length > 0)) this.wake.notify();
  }

  private write(job: WriteJob): { rows: EventRow[]; settle: () => void } {
    if (job.kind === 'local') {
      const plan = planLocalAppend(job.request, this.state, this.context);
      this.insertRows(plan.rows);
      const result: AppendResult = { streamVersion: plan.streamVersion, events: plan.rows.map(toStoredEvent) };
      return { rows: plan.rows, settle: () => job.resolve(result) };
    }
    const plan = planForeignAppend(job.events, this.state);
    this.insertRows(plan.rows);
    return { rows: plan.rows, settle: () => job.resolve(plan.outcomes) };
  }

  private insertRows(rows: readonly EventRow[]): void {
    for (const row of rows) {
      try {
        this.state.insert(row);
      } catch (error) {
        // The planner checks ids first; this catches a generated id that collided anyway.
        if (isUniqueViolationOn(error, 'events.id')) throw new DuplicateEventError(row.id);
        throw error;
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }

  private guard<T>(work: () => T): T {
    this.assertOpen();
    try {
      return work();
    } catch (error) {
      throw toStoreError(error, this.options.path);
    }
  }
}

export function openSqliteEventStore(options: SqliteEventStoreOptions): Promise<SqliteEventStore> {
  return SqliteEventStore.open(options);
}

import type { PodLogger } from '../../logger/pod-logger.js';
import type { EventStore, Subscription } from '@swarmtube/event-store';
import type { ReadModelDatabase } from '@swarmtube/event-store';
import type { ProjectionRunner } from '../../projections/projection-runner.js';
import type { StoredEvent } from '@swarmtube/event-store';
import { MAX_INBOX_BODY_BYTES } from '@swarmtube/contracts';
import { deliveryBatch, deliveryItem, MAX_ACTIVITIES_PER_REQUEST } from '../activities.js';
import { PodUrls } from '@swarmtube/contracts';
import { FederationRequestError, type FederationClient } from '../federation-client.js';
import type { PeerDirectory } from '../peer-directory.js';
import { DeliveryAttempted } from './delivery-attempted.event.js';

const BASE_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 5 * 60_000;
const RETRY_TICK_MS = 250;
/**
 * A friend's cursor is saved at most this long after it moved, with every other cursor that
 * moved meanwhile, in one transaction. Saving after every acknowledgement cost one synchronous
 * fsync per request on the event loop that also signs and sends the next ones; a crash now
 * means sending again at most this much, which the friends recognise by id.
 */
const CURSOR_SAVE_DELAY_MS = 500;

export interface PeerDeliveryState {
  actor: string;
  ackedSeq: number;
  failures: number;
  nextAttemptAt: number;
  lastSuccessAt: string | null;
  lastError: string | null;
  /**
   * What this friend's inbox takes per request: MAX_INBOX_BODY_BYTES and MAX_ACTIVITIES_PER_REQUEST
   * unless it refused a batch as too large (413) or too long (too-many-activities), which halves
   * them for as long as this process runs (a stricter proxy in front of it, an older pod).
   */
  maxBytes: number;
  maxActivities: number;
}

/** Whether a friend refused a batch for its size or length: then it is split, never sent again as is. */
function refusedAsTooBig(error: unknown): 'bytes' | 'count' | null {
  if (!(error instanceof FederationRequestError)) return null;
  if (error.status === 413) return 'bytes';
  if (error.status === 400 && error.code === 'too-many-activities') return 'count';
  return null;
}

/**
 * Push: this pod's own events go to every friend's inbox, in order, as many per request as fit
 * in what the inbox takes (MAX_INBOX_BODY_BYTES, cut by the activities' encoded size, and at most
 * MAX_ACTIVITIES_PER_REQUEST); a batch refused as too large is halved and sent again at once.
 * The outbox is the log itself; what each friend has acknowledged is one cursor per friend,
 * saved shortly after each acknowledgement (failures at once), so a crash only means sending
 * again what the friend will recognise by id. Each friend has its own loop and its own
 * exponential backoff: a slow or dead friend never holds up the others.
 */
export class DeliveryService {
  private readonly running = new Map<string, Promise<void>>();
  private readonly states = new Map<string, PeerDeliveryState>();
  private subscription: Subscription | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Friends whose cursor moved since it was last saved. */
  private readonly unsaved = new Set<string>();
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();
  private stopped = false;
  delivered = 0;
  requests = 0;

  constructor(
    private readonly store: EventStore,
    private readonly db: ReadModelDatabase,
    private readonly projections: ProjectionRunner,
    private readonly peers: PeerDirectory,
    private readonly client: FederationClient,
    private readonly me: string,
    private readonly log: PodLogger,
    /** Told of every delivery request's outcome (DeliveryAttempted: the health scores count them). */
    private readonly events: { publish(event: DeliveryAttempted): unknown } = { publish() {} },
  ) {}

  async start(): Promise<void> {
    for (const row of await this.db.query<Record<string, any>>('SELECT * FROM fed_deliveries')) {
      this.states.set(row.actor, {
        actor: row.actor,
        ackedSeq: Number(row.acked_seq),
        failures: Number(row.failures),
        nextAttemptAt: Number(row.next_attempt_at),
        lastSuccessAt: row.last_success_at,
        lastError: row.last_error,
        maxBytes: MAX_INBOX_BODY_BYTES,
        maxActivities: MAX_ACTIVITIES_PER_REQUEST,
      });
    }
    // A new event of ours is to push, a friendship event may add or end a friend: look again,
    // once the read models have seen it. Other pods' other events (most of the traffic a pod
    // receives) change neither, and looking cost a query per friend for every batch received;
    // the retry tick still looks now and then, whatever happened.
    this.subscription = this.store.subscribe(await this.store.headPosition(), async (batch) => {
      if (!batch.some(({ event }) => event.origin === this.me || event.type.startsWith('Friendship'))) return;
      await this.projections.waitFor(batch[batch.length - 1].position, 60_000).catch(() => undefined);
      this.kick();
    });
    this.timer = setInterval(() => this.kick(), RETRY_TICK_MS);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.subscription?.close();
    await Promise.all(this.running.values());
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    await this.saveUnsaved();
  }

  /** Is anything being delivered, or due to a friend that is not failing? For quiescence checks. */
  async busy(): Promise<boolean> {
    if (this.running.size > 0) return true;
    const head = (await this.store.originHead(this.me))?.seq ?? 0;
    for (const target of await this.peers.deliveryTargets()) {
      const state = this.stateOf(target.actor);
      if (state.failures === 0 && state.ackedSeq < (target.untilSeq ?? head)) return true;
    }
    return false;
  }

  peerStates(): PeerDeliveryState[] {
    return [...this.states.values()].map((s) => ({ ...s }));
  }

  /** Starts a delivery loop for every friend that has something due and none running. */
  kick(): void {
    if (this.stopped) return;
    void this.peers.deliveryTargets().then(
      (targets) => {
        for (const target of targets) {
          if (this.running.has(target.actor)) continue;
          const state = this.stateOf(target.actor);
          if (state.nextAttemptAt > Date.now()) continue;
          if (target.untilSeq !== null && state.ackedSeq >= target.untilSeq) continue;
          const loop = this.deliverTo(target.actor, target.untilSeq).finally(() => this.running.delete(target.actor));
          this.running.set(target.actor, loop);
        }
      },
      (error) => this.log.warn(`delivery: cannot read the friends list: ${(error as Error).message}`),
    );
  }

  /**
   * Forgets a peer's backoff (not its cursor): a pod readmitted after an expulsion, or this pod
   * after its own readmission, is tried again at once rather than when a long backoff ends.
   */
  retryNow(actor?: string): void {
    for (const state of actor === undefined ? this.states.values() : [this.stateOf(actor)]) state.nextAttemptAt = 0;
    this.kick();
  }

  /**
   * A friend answered something else (a probe): if its deliveries were failing, its backoff
   * (up to 5 min) no longer says anything; try it now, so that a friend back from a long
   * outage does not wait that long for what it missed.
   */
  peerIsBack(actor: string): void {
    const state = this.states.get(actor);
    if (!state || state.failures === 0 || state.nextAttemptAt <= Date.now()) return;
    state.nextAttemptAt = 0;
    this.kick();
  }

  private stateOf(actor: string): PeerDeliveryState {
    let state = this.states.get(actor);
    if (!state) {
      state = { actor, ackedSeq: 0, failures: 0, nextAttemptAt: 0, lastSuccessAt: null, lastError: null, maxBytes: MAX_INBOX_BODY_BYTES, maxActivities: MAX_ACTIVITIES_PER_REQUEST };
      this.states.set(actor, state);
    }
    return state;
  }

  private async deliverTo(actor: string, untilSeq: number | null): Promise<void> {
    const state = this.stateOf(actor);
    // Read ahead of what one request carries, each activity encoded once: what did not fit in
    // this request opens the next one.
    let pending: Array<{ stored: StoredEvent; item: string }> = [];
    while (!this.stopped) {
      const lastPending = pending.length > 0 ? pending[pending.length - 1].stored.event.originSeq : state.ackedSeq;
      const room = MAX_ACTIVITIES_PER_REQUEST - pending.length;
      const wanted = untilSeq === null ? room : Math.min(room, untilSeq - lastPending);
      if (wanted > 0) {
        const read = await this.store.readOrigin(this.me, { after: lastPending, limit: wanted });
        pending.push(...read.map((stored) => ({ stored, item: deliveryItem(stored.event) })));
      }
      if (pending.length === 0) return;
      const batch = deliveryBatch(pending.slice(0, state.maxActivities).map((p) => p.item), state.maxBytes);
      // For /metrics (DeliveryAttempted): when the events of this request were recorded.
      const recordedAt = pending.slice(0, batch.count).map((p) => p.stored.event.occurredAt);
      const sentAt = performance.now();
      try {
        this.requests += 1;
        await this.client.postEncoded(PodUrls.ofActor(actor).inbox, batch.body);
        const sent = pending.slice(0, batch.count).map((p) => p.stored.event);
        this.log.log(`delivered ${batch.count} event(s) to ${actor}`, { peer: actor, outcome: 'delivered', fromSeq: sent[0].originSeq, toSeq: sent[sent.length - 1].originSeq, eventIds: sent.map((e) => e.id), bytes: batch.bytes });
        state.ackedSeq = pending[batch.count - 1].stored.event.originSeq;
        pending = pending.slice(batch.count);
        state.failures = 0;
        state.nextAttemptAt = 0;
        state.lastSuccessAt = new Date().toISOString();
        state.lastError = null;
        this.delivered += batch.count;
        this.events.publish(new DeliveryAttempted(actor, { ok: true }, { seconds: (performance.now() - sentAt) / 1000, acknowledged: recordedAt }));
      } catch (error) {
        const tooBig = refusedAsTooBig(error);
        if (tooBig && batch.count > 1) {
          // Split, then continue: the friend answered, it only takes less per request.
          if (tooBig === 'bytes') state.maxBytes = Math.max(1, Math.floor(batch.bytes / 2));
          else state.maxActivities = Math.max(1, Math.floor(batch.count / 2));
          this.log.warn(`delivery to ${actor}: a batch of ${batch.count} activities (${batch.bytes} bytes) refused as too large, sending at most ${state.maxActivities} and ${state.maxBytes} bytes per request`, {
            peer: actor,
            outcome: 'split',
            fromSeq: pending[0].stored.event.originSeq,
            count: batch.count,
            bytes: batch.bytes,
          });
          continue;
        }
        this.events.publish(new DeliveryAttempted(actor, { ok: false, error }, { seconds: (performance.now() - sentAt) / 1000, acknowledged: [] }));
        state.failures += 1;
        const backoff = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (state.failures - 1));
        state.nextAttemptAt = Date.now() + backoff * (0.75 + Math.random() * 0.5);
        state.lastError = (error as Error).message.slice(0, 500);
        this.unsaved.add(actor);
        await this.saveUnsaved();
        if (state.failures === 1 || state.failures % 10 === 0) {
          this.log.warn(`delivery to ${actor} failed (${state.failures}x), retry in ${Math.round(backoff / 1000)} s: ${state.lastError}`, {
            peer: actor,
            outcome: 'failed',
            failures: state.failures,
            retryInSeconds: Math.round(backoff / 1000),
            fromSeq: pending[0].stored.event.originSeq,
            toSeq: pending[batch.count - 1].stored.event.originSeq,
            eventIds: pending.slice(0, batch.count).map((p) => p.stored.event.id),
            error: state.lastError,
          });
        }
        return;
      }
      this.saveSoon(actor);
    }
  }

  private saveSoon(actor: string): void {
    this.unsaved.add(actor);
    if (this.saveTimer || this.stopped) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.saveUnsaved();
    }, CURSOR_SAVE_DELAY_MS);
    this.saveTimer.unref();
  }

  /** Saves every cursor that moved, in one transaction; one save at a time, in order. */
  private saveUnsaved(): Promise<void> {
    this.saving = this.saving.then(async () => {
      if (this.unsaved.size === 0) return;
      const states = [...this.unsaved].map((actor) => this.stateOf(actor));
      this.unsaved.clear();
      try {
        await this.db.execute(
          states.map((state) => ({
            sql: `INSERT INTO fed_deliveries (actor, acked_seq, failures, next_attempt_at, last_success_at, last_error) VALUES ($1, $2, $3, $4, $5, $6)
                  ON CONFLICT (actor) DO UPDATE SET acked_seq = excluded.acked_seq, failures = excluded.failures,
                    next_attempt_at = excluded.next_attempt_at, last_success_at = excluded.last_success_at, last_error = excluded.last_error`,
            params: [state.actor, state.ackedSeq, state.failures, Math.round(state.nextAttemptAt), state.lastSuccessAt, state.lastError],
          })),
        );
      } catch (error) {
        this.log.error(`delivery: cannot save the cursors, will retry: ${(error as Error).message}`);
        for (const state of states) this.saveSoon(state.actor);
      }
    });
    return this.saving;
  }
}

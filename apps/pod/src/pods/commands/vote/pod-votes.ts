import type { PodLogger } from '../../../logger/pod-logger.js';
import { v7 as uuidv7 } from 'uuid';
import type { EventDraft, EventEnvelope } from '@swarmtube/event-envelope';
import { podStream } from '@swarmtube/contracts';
import { isCatalogEvent } from '@swarmtube/contracts';
import { actorUrlOf, hostOfActor, peerPublicUrl } from '@swarmtube/contracts';
import type { BallotView, BallotVoteView, VoteAnswer } from '@swarmtube/contracts';
import type { EventStore } from '@swarmtube/event-store';
import type { ReadModelDatabase } from '@swarmtube/event-store';
import type { EventLog } from '../../../event-log/event-log.js';
import { ProblemError } from '../../../http/problem.js';
import { BALLOT_EVENT_TYPES, decide, foldBallot, openMotion, tally, type Ballot, type Motion, type VoteCommand } from '../../domain/expulsion.js';
import { AUTOMATIC_VOTE_PREFIX } from '../../health/health-score.js';
import type { AutomaticVoter } from '../../health/health-monitor.js';
import { stampAfter } from '../../hybrid-clock.js';
import { MembershipOutcomeRecorded } from './membership-outcome-recorded.event.js';

export type { BallotView, BallotVoteView, VoteAnswer };

const HOST = /^[a-z0-9.-]+(:\d{1,5})?$/;
export const MAX_REASON_LENGTH = 1000;
/** The control characters a vote's reason may not hold (events/common.schema.json, voteReason). */
const FORBIDDEN_IN_REASON = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * Expulsion and readmission votes, as this pod's admin (or its health policy) casts them, and
 * the outcomes this pod records when it sees a quorum (domain/expulsion.ts). Every decision
 * runs one at a time, on read models caught up with the log, over the target's stream read
 * whole from the log: the ballot is recomputed from the set of events, never kept.
 */
export class PodVotes implements AutomaticVoter {
  private queue: Promise<unknown> = Promise.resolve();
  private pending = 0;

  constructor(
    private readonly me: string,
    private readonly myHost: string,
    private readonly eventLog: EventLog,
    private readonly store: EventStore,
    private readonly db: ReadModelDatabase,
    private readonly waitForReadModels: () => Promise<void>,
    private readonly log: PodLogger,
    /** Told of every outcome this pod records or receives (MembershipOutcomeRecorded: health reset, delivery retry, catching up). */
    private readonly events: { publish(event: MembershipOutcomeRecorded): unknown } = { publish() {} },
  ) {}

  /** Decisions queued or running: for quiescence checks. */
  get busy(): boolean {
    return this.pending > 0;
  }

  cast(motion: Motion, host: unknown, reason: unknown): Promise<VoteAnswer> {
    const target = parseHost(host);
    const text = parseReason(reason);
    return this.serialized(() => this.vote(target, { type: 'CastVote', motion, voter: this.me, reason: text, id: `urn:uuid:${uuidv7()}`, at: '' }));
  }

  withdraw(motion: Motion, host: unknown): Promise<VoteAnswer> {
    const target = parseHost(host);
    return this.serialized(() => this.vote(target, { type: 'WithdrawVote', motion, voter: this.me }));
  }

  async ballot(host: unknown): Promise<BallotView> {
    const target = parseHost(host);
    await this.waitForReadModels();
    const { actor, status } = await this.resolve(target);
    return this.view(target, actor, status, await this.ballotOf(actor, target), await this.members());
  }

  /** Health policy: this pod's expulsion vote on a failing friend. */
  async autoVote(actor: string, reason: string): Promise<boolean> {
    try {
      await this.cast('expulsion', hostOf(actor), reason);
      this.log.warn(`health: voted to expel ${actor}: ${reason}`, { peer: actor, automatic: true });
      return true;
    } catch (error) {
      if (error instanceof ProblemError && error.code === 'already-voted') return true;
      if (error instanceof ProblemError) return false;
      throw error;
    }
  }

  /** Health policy: the friend is back; withdraw this pod's vote if it was an automatic one. */
  async autoWithdraw(actor: string): Promise<void> {
    const host = hostOf(actor);
    await this.serialized(async () => {
      await this.waitForReadModels();
      const ballot = await this.ballotOf(actor, host);
      const mine = ballot.votes.get(this.me);
      if (ballot.expelled || !mine?.reason.startsWith(AUTOMATIC_VOTE_PREFIX)) return;
      await this.vote(host, { type: 'WithdrawVote', motion: 'expulsion', voter: this.me });
      this.log.log(`health: ${actor} recovered; automatic vote withdrawn`, { peer: actor, automatic: true });
    });
  }

  /**
   * Foreign events were appended: a vote, an outcome or a change of membership may complete a
   * quorum (or tell this pod of an outcome). Runs after the inbox or pull that brought them.
   */
  onForeignEvents(events: readonly EventEnvelope[]): void {
    const ballotEvents = events.filter((e) => BALLOT_EVENT_TYPES.has(e.type));
    const membershipChanged = events.some((e) => e.type.startsWith('Friendship') || e.type === 'PodJoined');
    if (ballotEvents.length === 0 && !membershipChanged) return;
    for (const event of ballotEvents) {
      if (event.type === 'PodExpelled' || event.type === 'PodReadmitted') this.onOutcome((event.data as { target: string }).target, event.type);
    }
    const targets = membershipChanged ? undefined : [...new Set(ballotEvents.map((e) => (e.data as { target: string }).target))];
    void this.recordDueOutcomes(targets).catch((error) => this.log.error(`votes: cannot record outcomes: ${(error as Error).message}`));
  }

  /**
   * Records the outcome of every ballot that has reached its quorum and has no record yet:
   * those of `targets`, or of every pod this log knows (after a change of membership, which
   * changes every electorate; and at start).
   */
  recordDueOutcomes(targets?: readonly string[]): Promise<void> {
    return this.serialized(async () => {
      await this.waitForReadModels();
      const actors = targets ?? (await this.db.query<{ actor: string }>(`SELECT actor FROM rm_pods WHERE actor <> $1 ORDER BY actor`, [this.me])).map((r) => r.actor);
      const members = await this.members();
      for (const actor of actors) {
        // A pod never records its own outcome: its friends' records are what counts (and it
        // learns of them, if at all, by their 403s or after its readmission).
        if (actor === this.me) continue;
        const host = hostOf(actor);
        const ballot = await this.ballotOf(actor, host);
        if (ballot.votes.size === 0) continue;
        const decision = decide({ type: 'RecordOutcome' }, ballot, { members, targetStatus: await this.statusOf(actor) });
        if (!decision.ok || decision.events.length === 0) continue;
        const [record] = await this.append(host, decision.events.map((e) => ({ type: e.type, schemaVersion: 1, data: e.data })));
        const votes = (record.data as { votes: string[] }).votes;
        this.log.warn(`votes: recorded ${record.type} of ${actor} (${votes.length} votes)`, { peer: actor, outcome: record.type, eventId: record.id, seq: record.originSeq, votes });
        this.onOutcome(actor, record.type as 'PodExpelled' | 'PodReadmitted');
      }
    });
  }

  private async vote(host: string, command: VoteCommand): Promise<VoteAnswer> {
    await this.waitForReadModels();
    const { actor, status } = await this.resolve(host);
    const ballot = await this.ballotOf(actor, host);
    const members = await this.members();
    const stream = podStream(host);
    if (command.type === 'CastVote') command = { ...command, at: await stampAfter(this.store, this.me, stream) };
    const decision = decide(command, ballot, { members, targetStatus: actor === this.me ? 'active' : status });
    if (!decision.ok) throw new ProblemError(decision.code, decision.message);
    const appended = await this.append(
      host,
      decision.events.map((e) => ({ id: e.id, type: e.type, schemaVersion: 1, data: e.data, occurredAt: e.occurredAt })),
    );
    const recorded = appended.find((e) => e.type === 'PodExpelled' || e.type === 'PodReadmitted') ?? null;
    const motion = command.type === 'RecordOutcome' ? undefined : command.motion;
    this.log.log(`votes: ${command.type === 'CastVote' ? 'cast' : 'withdrew'} this pod's ${motion} vote on ${actor}`, {
      peer: actor,
      motion,
      outcome: command.type === 'CastVote' ? 'cast' : 'withdrawn',
      eventIds: appended.map((e) => e.id),
      seq: appended.map((e) => e.originSeq),
      ...(recorded ? { recorded: recorded.type, recordedEventId: recorded.id } : {}),
    });
    if (recorded) this.onOutcome(actor, recorded.type as 'PodExpelled' | 'PodReadmitted');
    await this.waitForReadModels();
    const after = await this.ballotOf(actor, host);
    return { event: appended[0].id, recorded: recorded?.id ?? null, ballot: this.view(host, actor, (await this.statusOf(actor)) ?? 'unknown', after, members) };
  }

  /** Appends drafts to the target's stream, each stamped after what the stream holds. */
  private async append(host: string, drafts: EventDraft[]): Promise<EventEnvelope[]> {
    const stream = podStream(host);
    let at = Date.parse(await stampAfter(this.store, this.me, stream));
    const stamped: EventDraft[] = drafts.map(({ id, ...draft }) => {
      const time = draft.occurredAt ? Math.max(at, Date.parse(draft.occurredAt)) : at;
      at = time + 1;
      return { ...draft, ...(id ? { id } : {}), occurredAt: new Date(time).toISOString() };
    });
    const result = await this.eventLog.append(stream, stamped, { expectedVersion: 'any' });
    return result.events.map((e) => e.event);
  }

  private async resolve(host: string): Promise<{ actor: string; status: string | null }> {
    if (host === this.myHost) return { actor: this.me, status: 'active' };
    const [row] = await this.db.query<{ actor: string; status: string }>('SELECT actor, status FROM rm_pods WHERE host = $1 ORDER BY actor LIMIT 1', [host]);
    if (row) return { actor: row.actor, status: row.status };
    // A pod this log never heard of has no actor yet: name the one a bare host would mean (pod-urls.ts).
    try {
      return { actor: actorUrlOf(peerPublicUrl(host, { allowPlainHttpLoopback: true })), status: null };
    } catch {
      throw new ProblemError('invalid-host', `"${host.slice(0, 100)}" is not a host[:port]`);
    }
  }

  private async statusOf(actor: string): Promise<string | null> {
    const [row] = await this.db.query<{ status: string }>('SELECT status FROM rm_pods WHERE actor = $1', [actor]);
    return row?.status ?? null;
  }

  private async members(): Promise<Set<string>> {
    return new Set((await this.db.query<{ actor: string }>(`SELECT actor FROM rm_pods WHERE status = 'active'`)).map((r) => r.actor));
  }

  private async ballotOf(actor: string, host: string): Promise<Ballot> {
    return foldBallot(actor, (await this.store.readStream(podStream(host))).map((s) => s.event).filter(isCatalogEvent));
  }

  private view(host: string, actor: string, status: string | null, ballot: Ballot, members: Set<string>): BallotView {
    const result = tally(ballot, members);
    const counted = new Set(result.counted.map((v) => v.id));
    return {
      host,
      actor,
      status: status ?? 'unknown',
      motion: openMotion(ballot),
      electorate: result.electorate,
      needed: result.needed,
      votes: [...result.counted, ...result.ignored].map((v) => ({ host: hostOf(v.voter), voter: v.voter, id: v.id, occurredAt: v.occurredAt, reason: v.reason, counted: counted.has(v.id) })),
      records: [...ballot.records],
    };
  }

  private onOutcome(target: string, type: 'PodExpelled' | 'PodReadmitted'): void {
    this.events.publish(new MembershipOutcomeRecorded(target, type));
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    this.pending += 1;
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run.finally(() => {
      this.pending -= 1;
    });
  }
}

function hostOf(actor: string): string {
  return hostOfActor(actor) ?? actor;
}

/** The `{host}` of a vote's path: host[:port], lower-cased; anything else is a 400 invalid-host. */
export function parseHost(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 260 || !HOST.test(value.toLowerCase())) {
    throw new ProblemError('invalid-host', `"${String(value).slice(0, 100)}" is not a host[:port]`);
  }
  return value.toLowerCase();
}

function parseReason(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') throw new ProblemError('invalid-body', 'reason must be a string');
  if (value.length > MAX_REASON_LENGTH) throw new ProblemError('invalid-body', `reason: at most ${MAX_REASON_LENGTH} characters (got ${value.length})`);
  if (FORBIDDEN_IN_REASON.test(value)) throw new ProblemError('invalid-body', 'reason: no control characters but tab and line breaks');
  return value;
}

/**
 * Expulsion and readmission votes (docs/protocol.md, "Health, expulsion and readmission"; events/CATALOG.md, "Votes and
 * quorum"): pure functions, no I/O, time and membership passed in.
 *
 * The ballot of one target is a fold of the events of its stream `pod:<target host>`, taken in
 * the order of their key (occurredAt, then id) whatever order they arrived in, so pods that
 * hold the same events hold the same ballot:
 *
 * - while the target is a member, the open motion is its expulsion: an ExpulsionVoteCast opens
 *   the origin's vote, an ExpulsionVoteWithdrawn closes it, readmission votes are stale and
 *   ignored;
 * - a PodExpelled record is decisive: the target is expelled, the expulsion votes are closed
 *   and the open motion becomes its readmission (a second PodExpelled for the same target,
 *   recorded by another pod that saw the quorum too, changes nothing: records are idempotent);
 * - the same in reverse for ReadmissionVoteCast, ReadmissionVoteWithdrawn and PodReadmitted.
 *
 * A pod records the outcome (decide: RecordOutcome) when the open votes of the electorate
 * (the active members other than the target) are more than half of it. The read model
 * (pods.projection.ts) takes the target's status from the latest outcome record by the same
 * key, which is what this fold gives too.
 */

import type { CatalogEventPart, EventData } from '@swarmtube/contracts';

export type Motion = 'expulsion' | 'readmission';

const CAST = { expulsion: 'ExpulsionVoteCast', readmission: 'ReadmissionVoteCast' } as const;
const WITHDRAWN = { expulsion: 'ExpulsionVoteWithdrawn', readmission: 'ReadmissionVoteWithdrawn' } as const;
const OUTCOME = { expulsion: 'PodExpelled', readmission: 'PodReadmitted' } as const;

export type BallotEventType = (typeof CAST | typeof WITHDRAWN | typeof OUTCOME)[Motion];

/** The part of an event envelope the ballot reads: any event of the target's stream. */
export type StreamEvent = CatalogEventPart<'id' | 'origin' | 'occurredAt'>;
/** A vote, a withdrawal or an outcome record. */
export type BallotEvent = CatalogEventPart<'id' | 'origin' | 'occurredAt', BallotEventType>;

export interface OpenVote {
  id: string;
  voter: string;
  occurredAt: string;
  reason: string;
}

export interface Ballot {
  /** The target's actor URL. */
  readonly target: string;
  /** By the outcome records: the latest one is a PodExpelled. */
  readonly expelled: boolean;
  /** The open votes of the current motion (expulsion while a member, readmission while expelled), by voter. */
  readonly votes: ReadonlyMap<string, OpenVote>;
  /** The outcome records of the current state (several pods may each have recorded it). */
  readonly records: readonly string[];
  /** Key of the latest outcome record applied, or null. */
  readonly decidedAt: string | null;
}

export const BALLOT_EVENT_TYPES: ReadonlySet<string> = new Set<BallotEventType>([CAST, WITHDRAWN, OUTCOME].flatMap((types) => Object.values(types)));

export function isBallotEvent(event: StreamEvent): event is BallotEvent {
  return BALLOT_EVENT_TYPES.has(event.type);
}

/** The order of a ballot's events: time, then id (the same key as the membership read models). */
export function ballotKey(event: { occurredAt: string; id: string }): string {
  return `${event.occurredAt} ${event.id}`;
}

export function emptyBallot(target: string): Ballot {
  return { target, expelled: false, votes: new Map(), records: [], decidedAt: null };
}

/** The motion a vote on this target is about now. */
export function openMotion(ballot: Ballot): Motion {
  return ballot.expelled ? 'readmission' : 'expulsion';
}

function motionOfType(type: BallotEventType): Motion {
  return type.startsWith('Expulsion') || type === 'PodExpelled' ? 'expulsion' : 'readmission';
}

/**
 * One event, in key order, onto the ballot. Events of another target or type, and votes by
 * the target itself, change nothing.
 */
export function evolve(ballot: Ballot, event: StreamEvent): Ballot {
  if (!isBallotEvent(event) || event.data.target !== ballot.target || event.origin === ballot.target) return ballot;
  const motion = motionOfType(event.type);
  const current = openMotion(ballot);
  if (event.type === 'PodExpelled' || event.type === 'PodReadmitted') {
    // A record of the state the ballot is already in: another pod saw the same quorum.
    if (motion !== current) return { ...ballot, records: [...ballot.records, event.id] };
    return { target: ballot.target, expelled: motion === 'expulsion', votes: new Map(), records: [event.id], decidedAt: ballotKey(event) };
  }
  // A vote of the closed motion: cast before the outcome, or by a pod that did not know of it
  // yet (a late automatic vote on a pod already expelled). It counts for nothing.
  if (motion !== current) return ballot;
  const votes = new Map(ballot.votes);
  if (event.type === 'ExpulsionVoteCast' || event.type === 'ReadmissionVoteCast') {
    if (votes.has(event.origin)) return ballot;
    votes.set(event.origin, { id: event.id, voter: event.origin, occurredAt: event.occurredAt, reason: event.data.reason });
  } else {
    if (!votes.delete(event.origin)) return ballot;
  }
  return { ...ballot, votes };
}

/** The ballot of `target` from a set of events, in any order (duplicates by id count once). */
export function foldBallot(target: string, events: Iterable<StreamEvent>): Ballot {
  const byId = new Map<string, BallotEvent>();
  for (const event of events) if (isBallotEvent(event) && event.data.target === target) byId.set(event.id, event);
  const ordered = [...byId.values()].sort((a, b) => (ballotKey(a) < ballotKey(b) ? -1 : ballotKey(a) > ballotKey(b) ? 1 : 0));
  return ordered.reduce(evolve, emptyBallot(target));
}

export interface Tally {
  motion: Motion;
  /** The active members other than the target. */
  electorate: number;
  /** Votes needed: more than half of the electorate. */
  needed: number;
  /** The open votes that count (by members of the electorate), in key order. */
  counted: OpenVote[];
  /** Open votes by pods outside the electorate: they count for nothing. */
  ignored: OpenVote[];
  quorum: boolean;
}

/** Who counts: the active members other than the target. */
export function electorateOf(members: Iterable<string>, target: string): Set<string> {
  return new Set([...members].filter((member) => member !== target));
}

export function tally(ballot: Ballot, members: Iterable<string>): Tally {
  const electorate = electorateOf(members, ballot.target);
  const open = [...ballot.votes.values()].sort((a, b) => (ballotKey(a) < ballotKey(b) ? -1 : 1));
  const counted = open.filter((vote) => electorate.has(vote.voter));
  const needed = Math.floor(electorate.size / 2) + 1;
  return {
    motion: openMotion(ballot),
    electorate: electorate.size,
    needed,
    counted,
    ignored: open.filter((vote) => !electorate.has(vote.voter)),
    quorum: electorate.size > 0 && counted.length >= needed,
  };
}

export type VoteCommand =
  /** `id` and `at` are the new vote event's id and occurredAt (the outcome record names the vote by its id). */
  | { type: 'CastVote'; motion: Motion; voter: string; reason: string; id: string; at: string }
  | { type: 'WithdrawVote'; motion: Motion; voter: string }
  | { type: 'RecordOutcome' };

/** What the deciding pod knows besides the ballot: the network as its read models show it. */
export interface VoteContext {
  /** The actors whose membership status is `active` (this pod among them when it is one). */
  members: ReadonlySet<string>;
  /** The target's status in this pod's read model, or null when it does not know the target. */
  targetStatus: string | null;
}

export type VoteErrorCode =
  | 'vote-on-self'
  | 'unknown-pod'
  | 'target-not-active'
  | 'already-expelled'
  | 'not-expelled'
  | 'not-in-network'
  | 'already-voted'
  | 'not-voted';

export type EventToAppend = {
  [T in BallotEventType]: {
    type: T;
    data: EventData<T, 1>;
    /** Set for a vote: the id and time the command gave. */
    id?: string;
    occurredAt?: string;
  };
}[BallotEventType];

export type VoteDecision = { ok: true; events: EventToAppend[] } | { ok: false; code: VoteErrorCode; message: string };

const refuse = (code: VoteErrorCode, message: string): VoteDecision => ({ ok: false, code, message });

/**
 * decide(command, ballot, context) → the events to append, or why not. A vote that completes
 * the quorum comes with the outcome record, so that the pod that sees the quorum first records
 * it in the same commit as its vote.
 */
export function decide(command: VoteCommand, ballot: Ballot, context: VoteContext): VoteDecision {
  const target = ballot.target;
  if (command.type === 'RecordOutcome') return { ok: true, events: outcome(ballot, context) };
  const motion = command.motion;
  if (command.voter === target) return refuse('vote-on-self', 'a pod cannot vote on itself');
  if (context.targetStatus === null) return refuse('unknown-pod', `${target} is not a pod this pod knows`);
  if (motion === 'expulsion' && ballot.expelled) return refuse('already-expelled', `${target} is already expelled`);
  if (motion === 'readmission' && !ballot.expelled) return refuse('not-expelled', `${target} is not expelled`);
  if (command.type === 'CastVote') {
    if (motion === 'expulsion' && context.targetStatus !== 'active') {
      return refuse('target-not-active', `${target} is not an active member (it is ${context.targetStatus})`);
    }
    if (!context.members.has(command.voter)) return refuse('not-in-network', 'this pod is not an active member of a network: it has no vote');
    if (ballot.votes.has(command.voter)) return refuse('already-voted', `this pod has already voted for the ${motion} of ${target}`);
    const data = { target, reason: command.reason };
    const after = evolve(ballot, { id: command.id, type: CAST[motion], schemaVersion: 1, origin: command.voter, occurredAt: command.at, data });
    return { ok: true, events: [{ type: CAST[motion], data, id: command.id, occurredAt: command.at }, ...outcome(after, context)] };
  }
  if (!ballot.votes.has(command.voter)) return refuse('not-voted', `this pod has no open vote for the ${motion} of ${target}`);
  return { ok: true, events: [{ type: WITHDRAWN[motion], data: { target } }] };
}

/** The outcome record due, if the open motion has reached its quorum. */
function outcome(ballot: Ballot, context: VoteContext): EventToAppend[] {
  const result = tally(ballot, context.members);
  if (!result.quorum) return [];
  return [{ type: OUTCOME[result.motion], data: { target: ballot.target, votes: result.counted.map((vote) => vote.id) } }];
}

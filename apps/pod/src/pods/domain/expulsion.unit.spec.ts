import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decide, foldBallot, openMotion, tally, type BallotEvent, type VoteCommand, type VoteContext, type VoteDecision } from './expulsion.js';

const actor = (n: number) => `http://pod-${n}.test/federation/actor`;
const [P1, P2, P3, P4, P5, P6] = [1, 2, 3, 4, 5, 6].map(actor);
/** Pod 4 is the target; 1, 2, 3 and 5 are the other active members: 3 votes are needed. */
const TARGET = P4;
const MEMBERS: ReadonlySet<string> = new Set([P1, P2, P3, P4, P5]);
const CONTEXT: VoteContext = { members: MEMBERS, targetStatus: 'active' };

let clock = Date.parse('2026-11-26T09:00:00.000Z');
let serial = 0;
function stamp(origin: string, at?: string) {
  clock += 1000;
  serial += 1;
  return { id: `urn:uuid:${String(serial).padStart(8, '0')}`, schemaVersion: 1 as const, origin, occurredAt: at ?? new Date(clock).toISOString() };
}
const cast = (origin: string, reason = 'down', target = TARGET): BallotEvent => ({ ...stamp(origin), type: 'ExpulsionVoteCast', data: { target, reason } });
const withdrawn = (origin: string): BallotEvent => ({ ...stamp(origin), type: 'ExpulsionVoteWithdrawn', data: { target: TARGET } });
const expelled = (origin: string, votes: BallotEvent[]): BallotEvent => ({ ...stamp(origin), type: 'PodExpelled', data: { target: TARGET, votes: votes.map((v) => v.id) } });
const readmitVote = (origin: string): BallotEvent => ({ ...stamp(origin), type: 'ReadmissionVoteCast', data: { target: TARGET, reason: 'back' } });
const readmitWithdrawn = (origin: string): BallotEvent => ({ ...stamp(origin), type: 'ReadmissionVoteWithdrawn', data: { target: TARGET } });
const readmitted = (origin: string, votes: BallotEvent[]): BallotEvent => ({ ...stamp(origin), type: 'PodReadmitted', data: { target: TARGET, votes: votes.map((v) => v.id) } });

/** given the events, when the command is decided: then the decision. */
function given(events: BallotEvent[], context: VoteContext = CONTEXT) {
  const ballot = foldBallot(TARGET, events);
  return {
    ballot,
    when: (command: VoteCommand): VoteDecision => decide(command, ballot, context),
  };
}
const castBy = (voter: string, motion: 'expulsion' | 'readmission' = 'expulsion'): VoteCommand => ({ type: 'CastVote', motion, voter, reason: 'down', id: 'urn:uuid:new-vote', at: '2030-01-01T00:00:00.000Z' });
const withdrawBy = (voter: string, motion: 'expulsion' | 'readmission' = 'expulsion'): VoteCommand => ({ type: 'WithdrawVote', motion, voter });
const typesOf = (decision: VoteDecision) => (decision.ok ? decision.events.map((e) => e.type) : decision.code);

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('expulsion votes: given the events of the target\'s stream, when a pod decides', () => {
  test('a first vote is a minority: ExpulsionVoteCast alone', () => {
    const decision = given([]).when(castBy(P1));
    assert.deepEqual(decision, { ok: true, events: [{ type: 'ExpulsionVoteCast', data: { target: TARGET, reason: 'down' }, id: 'urn:uuid:new-vote', occurredAt: '2030-01-01T00:00:00.000Z' }] });
  });

  test('the vote that makes more than half of the other members comes with PodExpelled naming the votes counted', () => {
    const a = cast(P1);
    const b = cast(P2);
    const decision = given([a, b]).when(castBy(P3));
    assert.ok(decision.ok);
    assert.deepEqual(decision.events.map((e) => e.type), ['ExpulsionVoteCast', 'PodExpelled']);
    assert.deepEqual(decision.events[1].data, { target: TARGET, votes: [a.id, b.id, 'urn:uuid:new-vote'] });
  });

  test('a minority never expels: two votes of four record nothing', () => {
    assert.deepEqual(given([cast(P1), cast(P2)]).when({ type: 'RecordOutcome' }), { ok: true, events: [] });
  });

  test('a withdrawn vote no longer counts', () => {
    const history = [cast(P1), cast(P2), withdrawn(P1)];
    assert.deepEqual(typesOf(given(history).when(castBy(P3))), ['ExpulsionVoteCast']);
    assert.deepEqual([...foldBallot(TARGET, history).votes.keys()], [P2]);
  });

  test('a withdrawal then a new vote by the same pod counts once', () => {
    const history = [cast(P1), withdrawn(P1), cast(P1), cast(P2)];
    assert.equal(tally(foldBallot(TARGET, history), MEMBERS).counted.length, 2);
  });

  test('votes by pods outside the electorate (strangers, the target) count for nothing', () => {
    const ballot = foldBallot(TARGET, [cast(P1), cast(P6), cast(P2)]);
    const result = tally(ballot, MEMBERS);
    assert.deepEqual(result.counted.map((v) => v.voter), [P1, P2]);
    assert.deepEqual(result.ignored.map((v) => v.voter), [P6]);
    assert.equal(result.quorum, false);
    assert.deepEqual(typesOf(given([cast(P1), cast(P6), cast(P2)], { members: MEMBERS, targetStatus: 'active' }).when({ type: 'RecordOutcome' })), []);
  });

  test('the electorate is the active members other than the target: a two-pod network needs one vote', () => {
    assert.deepEqual(typesOf(given([], { members: new Set([P1, P4]), targetStatus: 'active' }).when(castBy(P1))), ['ExpulsionVoteCast', 'PodExpelled']);
  });

  test('hostile commands are refused with stable codes', () => {
    assert.equal(typesOf(given([]).when(castBy(TARGET))), 'vote-on-self');
    assert.equal(typesOf(given([], { members: MEMBERS, targetStatus: null }).when(castBy(P1))), 'unknown-pod');
    assert.equal(typesOf(given([], { members: MEMBERS, targetStatus: 'known' }).when(castBy(P1))), 'target-not-active');
    assert.equal(typesOf(given([], { members: MEMBERS, targetStatus: 'left' }).when(castBy(P1))), 'target-not-active');
    assert.equal(typesOf(given([]).when(castBy(P6))), 'not-in-network');
    assert.equal(typesOf(given([cast(P1)]).when(castBy(P1))), 'already-voted');
    assert.equal(typesOf(given([]).when(withdrawBy(P1))), 'not-voted');
    assert.equal(typesOf(given([cast(P1), withdrawn(P1)]).when(withdrawBy(P1))), 'not-voted');
    assert.equal(typesOf(given([]).when(castBy(P1, 'readmission'))), 'not-expelled');
  });

  test('after the quorum: no more expulsion votes, no withdrawal; the open motion is the readmission', () => {
    const votes = [cast(P1), cast(P2), cast(P3)];
    const history = [...votes, expelled(P3, votes)];
    const { ballot, when } = given(history, { members: MEMBERS, targetStatus: 'expelled' });
    assert.equal(ballot.expelled, true);
    assert.equal(openMotion(ballot), 'readmission');
    assert.equal(ballot.votes.size, 0);
    assert.equal(typesOf(when(castBy(P5))), 'already-expelled');
    assert.equal(typesOf(when(withdrawBy(P1))), 'already-expelled');
    assert.deepEqual(typesOf(when({ type: 'RecordOutcome' })), []);
  });

  test('PodExpelled recorded by several pods is one expulsion: the ballot keeps every record, nothing else changes', () => {
    const votes = [cast(P1), cast(P2), cast(P3)];
    const once = foldBallot(TARGET, [...votes, expelled(P3, votes)]);
    const twice = foldBallot(TARGET, [...votes, expelled(P3, votes), expelled(P1, votes), expelled(P2, votes)]);
    assert.equal(twice.expelled, true);
    assert.equal(twice.records.length, 3);
    assert.deepEqual({ ...twice, records: [], decidedAt: null }, { ...once, records: [], decidedAt: null });
  });

  test('a late expulsion vote, cast by a pod that did not know of the expulsion yet, counts for nothing', () => {
    const votes = [cast(P1), cast(P2), cast(P3)];
    const history = [...votes, expelled(P3, votes), cast(P5)];
    const { ballot, when } = given(history, { members: MEMBERS, targetStatus: 'expelled' });
    assert.equal(ballot.votes.size, 0);
    const r1 = readmitVote(P1);
    const r2 = readmitVote(P2);
    assert.deepEqual(typesOf(given([...history, r1, r2]).when(castBy(P3, 'readmission'))), ['ReadmissionVoteCast', 'PodReadmitted']);
    assert.deepEqual(typesOf(when({ type: 'RecordOutcome' })), []);
  });

  test('readmission is the same vote in reverse, and a readmitted pod can be voted on again from scratch', () => {
    const votes = [cast(P1), cast(P2), cast(P3)];
    const expulsion = [...votes, expelled(P3, votes)];
    const r1 = readmitVote(P1);
    const r2 = readmitVote(P2);
    const context = { members: MEMBERS, targetStatus: 'expelled' };
    assert.deepEqual(typesOf(given([...expulsion, r1, r2]).when(castBy(P5, 'readmission'))), ['ReadmissionVoteCast', 'PodReadmitted']);
    assert.deepEqual(typesOf(given([...expulsion, r1, r2, readmitWithdrawn(P2)], context).when(castBy(P5, 'readmission'))), ['ReadmissionVoteCast']);
    const after = [...expulsion, r1, r2, readmitVote(P3), readmitted(P3, [r1, r2])];
    const { ballot, when } = given(after);
    assert.equal(ballot.expelled, false);
    assert.equal(ballot.votes.size, 0, 'the old expulsion votes are closed');
    assert.deepEqual(typesOf(when(castBy(P1))), ['ExpulsionVoteCast']);
  });

  test('stale votes (cast before an outcome by key) change nothing after it', () => {
    const votes = [cast(P1), cast(P2), cast(P3)];
    const lateVote = cast(P5);
    const record = expelled(P3, votes);
    // P5's vote is older than the record but arrives after it: the same ballot either way.
    assert.deepEqual(foldBallot(TARGET, [...votes, record, lateVote]), foldBallot(TARGET, [...votes, lateVote, record]));
  });

  test('concurrent votes and withdrawals give the same ballot in every order of arrival', () => {
    const a = cast(P1);
    const b = cast(P2);
    const wa = withdrawn(P1);
    const c = cast(P3);
    const d = cast(P5);
    const rec = expelled(P5, [b, c, d]);
    const events = [a, b, wa, c, d, rec];
    const expected = foldBallot(TARGET, events);
    assert.equal(expected.expelled, true);
    let orders = 0;
    for (const order of permutations(events)) {
      orders += 1;
      assert.deepEqual(foldBallot(TARGET, order), expected);
    }
    assert.equal(orders, 720);
    // Without the record: the decision every pod derives from the votes alone is the same too.
    const votesOnly = events.slice(0, 5);
    const decisions = new Set(permutations(votesOnly).map((order) => JSON.stringify(given(order).when({ type: 'RecordOutcome' }))));
    assert.deepEqual([...decisions].map((d) => JSON.parse(d)), [{ ok: true, events: [{ type: 'PodExpelled', data: { target: TARGET, votes: [b.id, c.id, d.id] } }] }]);
  });

  test('a withdrawal racing the deciding vote: the outcome record, not the arrival order, decides', () => {
    const a = cast(P1);
    const b = cast(P2);
    const c = cast(P3);
    const wa = withdrawn(P1);
    // No record yet: the open votes are what counts, in every order (two left: no quorum).
    const decisions = new Set(permutations([a, b, c, wa]).map((order) => JSON.stringify(given(order).when({ type: 'RecordOutcome' }))));
    assert.deepEqual([...decisions], [JSON.stringify({ ok: true, events: [] })]);
    // c's pod saw a, b, c before the withdrawal reached it and recorded the outcome with its vote:
    // the record is decisive, and every order of arrival of the five events gives the expulsion.
    const record = expelled(P3, [a, b, c]);
    const ballots = new Set(permutations([a, b, c, wa, record]).map((order) => JSON.stringify({ ...foldBallot(TARGET, order), votes: [...foldBallot(TARGET, order).votes] })));
    assert.equal(ballots.size, 1);
    assert.equal(foldBallot(TARGET, [wa, record, a, c, b]).expelled, true);
  });

  test('events about other pods, and votes by the target, are not part of the ballot', () => {
    const other = cast(P1, '', P5);
    const bySelf = cast(TARGET);
    assert.equal(foldBallot(TARGET, [other, bySelf]).votes.size, 0);
  });
});

import type { EventDraft } from '@swarmtube/event-envelope';
import type { AppendResult, EventStore, ExpectedVersion, ForeignOutcome } from '@swarmtube/event-store';
import { streamFor } from '@swarmtube/contracts';
import { validateEventData } from '@swarmtube/contracts';
import { ProblemError } from '../http/problem.js';
import { ForeignEventVerifier } from './foreign-event-verifier.js';
import { ForeignEventsAppended } from './foreign-events-appended.event.js';

/** What became of one event received from elsewhere. */
export type ReceiveOutcome =
  | { id: string; status: 'appended'; position: number }
  | { id: string; status: 'duplicate' }
  | { id?: string; status: 'rejected'; code: string; detail: string };

/** A draft refused before it reached the store: nothing was appended. */
export class EventRejectedError extends ProblemError {}

/**
 * The write side of the log for local use cases: every draft is checked against its JSON
 * Schema before the store seals and appends it, so the log only ever holds valid events.
 */
export class EventLog {
  private appended = 0;
  private readonly verifier: ForeignEventVerifier;

  constructor(
    private readonly store: EventStore,
    /** This pod's actor: the origin of every event it appends. */
    private readonly origin: string,
    /** Told of the foreign events each receive appended (ForeignEventsAppended): the EventBus. */
    private readonly events: { publish(event: ForeignEventsAppended): unknown } = { publish() {} },
  ) {
    this.verifier = new ForeignEventVerifier(store);
  }

  async append(stream: string, drafts: EventDraft[], options: { expectedVersion: ExpectedVersion }): Promise<AppendResult> {
    if (drafts.length === 0) throw new EventRejectedError('invalid-body', 'nothing to append');
    for (const draft of drafts) {
      const result = validateEventData(draft.type, draft.schemaVersion, draft.data);
      if (!result.ok) throw new EventRejectedError(result.code, `${draft.type} v${draft.schemaVersion}: ${result.message}`);
      // Receivers refuse an event outside the stream its data names: catch it here, not on every peer.
      const expected = streamFor({ type: draft.type, schemaVersion: draft.schemaVersion, data: draft.data, origin: this.origin });
      if (expected !== stream) throw new EventRejectedError('envelope-invalid', `${draft.type} belongs in stream ${expected}, not ${stream}`);
    }
    const result = await this.store.append(stream, drafts, options);
    this.appended += result.events.length;
    return result;
  }

  /**
   * Takes events signed by other pods (or ours, relayed back): each is checked (schemas,
   * proof by its origin's declared key) and the good ones are appended in order, idempotently
   * by id, each against its origin's chain. One bad event never stops the others.
   */
  async receive(values: readonly unknown[]): Promise<ReceiveOutcome[]> {
    const checks = await this.verifier.check(values);
    const accepted = checks.flatMap((check) => (check.ok ? [check.event] : []));
    const stored = accepted.length > 0 ? await this.store.appendForeign(accepted) : [];
    const byId = new Map<string, ForeignOutcome>(stored.map((outcome) => [outcome.id, outcome]));
    const appended = accepted.filter((event) => byId.get(event.id)?.status === 'appended');
    if (appended.length > 0) this.events.publish(new ForeignEventsAppended(appended));
    return checks.map((check): ReceiveOutcome => {
      if (!check.ok) return { id: check.id, status: 'rejected', code: check.code, detail: check.detail };
      const outcome = byId.get(check.event.id)!;
      if (outcome.status === 'rejected') return { id: outcome.id, status: 'rejected', code: outcome.reason.code, detail: describeRejection(outcome.reason) };
      return outcome;
    });
  }

  /** Local events appended since start, for /metrics. */
  get appendedCount(): number {
    return this.appended;
  }
}

function describeRejection(reason: Extract<ForeignOutcome, { status: 'rejected' }>['reason']): string {
  switch (reason.code) {
    case 'chain-gap':
      return `originSeq ${reason.gotSeq} arrived where ${reason.expectedSeq} was expected`;
    case 'chain-broken':
      return `prevHash of originSeq ${reason.originSeq} is not the hash of the event before it`;
    case 'id-conflict':
      return 'another event with this id is already in the log';
    case 'seq-conflict':
      return `the log already holds another event at originSeq ${reason.originSeq}`;
    case 'malformed':
      return reason.detail;
  }
}

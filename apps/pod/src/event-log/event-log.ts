import type { EventDraft } from '../../../../libs/event-envelope/src/envelope.js';
import type { AppendResult, EventStore, ExpectedVersion } from '../../../../libs/event-store/src/event-store.port.js';
import { validateEventData } from '../../../../libs/contracts/src/events/event-validator.js';
import { ProblemError } from '../http/problem.js';

/** A draft refused before it reached the store: nothing was appended. */
export class EventRejectedError extends ProblemError {}

/**
 * The write side of the log for local use cases: every draft is checked against its JSON
 * Schema before the store seals and appends it, so the log only ever holds valid events.
 */
export class EventLog {
  private appended = 0;

  constructor(private readonly store: EventStore) {}

  async append(stream: string, drafts: EventDraft[], options: { expectedVersion: ExpectedVersion }): Promise<AppendResult> {
    if (drafts.length === 0) throw new EventRejectedError('invalid-body', 'nothing to append');
    for (const draft of drafts) {
      const result = validateEventData(draft.type, draft.schemaVersion, draft.data);
      if (!result.ok) throw new EventRejectedError(result.code, `${draft.type} v${draft.schemaVersion}: ${result.message}`);
    }
    const result = await this.store.append(stream, drafts, options);
    this.appended += result.events.length;
    return result;
  }

  /** Local events appended since start, for /metrics. */
  get appendedCount(): number {
    return this.appended;
  }
}

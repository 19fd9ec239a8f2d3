import type { EventEnvelope } from '../../../../libs/event-envelope/src/envelope.js';

/**
 * Events of other pods were appended to the log, whichever way they came (push or pull).
 * Published on the EventBus by EventLog.receive; membership and votes react to it.
 */
export class ForeignEventsAppended {
  constructor(readonly events: readonly EventEnvelope[]) {}
}

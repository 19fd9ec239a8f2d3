import type { EventEnvelope } from '@swarmtube/event-envelope';

/**
 * Events of other pods were appended to the log, whichever way they came (push or pull).
 * Published on the EventBus by EventLog.receive; membership and votes react to it.
 */
export class ForeignEventsAppended {
  constructor(readonly events: readonly EventEnvelope[]) {}
}

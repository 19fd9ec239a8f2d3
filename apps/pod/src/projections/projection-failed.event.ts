import type { StoredEvent } from '@swarmtube/event-store';

/** A projection could not apply an event: it parked it and went on (ProjectionRunner). Metrics count these. */
export class ProjectionFailed {
  constructor(
    readonly projection: string,
    readonly event: StoredEvent,
    readonly error: unknown,
  ) {}
}

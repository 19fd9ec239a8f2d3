import type { StoredEvent } from '../../../../libs/event-store/src/event-store.port.js';

/** A projection could not apply an event: it parked it and went on (ProjectionRunner). Metrics count these. */
export class ProjectionFailed {
  constructor(
    readonly projection: string,
    readonly event: StoredEvent,
    readonly error: unknown,
  ) {}
}

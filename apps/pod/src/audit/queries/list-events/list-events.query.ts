import { Query } from '@nestjs/cqrs';
import type { StoredEvent } from '@swarmtube/event-store';

/** A page of the log after a position, in log order. */
export class ListEventsQuery extends Query<StoredEvent[]> {
  constructor(
    readonly after: number,
    readonly limit: number,
  ) {
    super();
  }
}

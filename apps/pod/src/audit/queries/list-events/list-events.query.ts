import { Query } from '@nestjs/cqrs';
import type { StoredEvent } from '../../../../../../libs/event-store/src/event-store.port.js';

/** A page of the log after a position, in log order. */
export class ListEventsQuery extends Query<StoredEvent[]> {
  constructor(
    readonly after: number,
    readonly limit: number,
  ) {
    super();
  }
}

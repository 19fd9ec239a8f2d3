import { Query } from '@nestjs/cqrs';
import type { StoredEvent } from '../../../../../../libs/event-store/src/event-store.port.js';

/** The origins this pod holds events of, and the last originSeq of each (what a peer compares to know what to pull). */
export class ListOriginsQuery extends Query<Array<{ origin: string; lastSeq: number }>> {}

/** An origin's signed events after an originSeq, in originSeq order, as stored (their exact bytes in `body`). */
export class ReadOriginEventsQuery extends Query<StoredEvent[]> {
  constructor(
    readonly origin: string,
    readonly after: number,
    readonly limit: number,
  ) {
    super();
  }
}

import { Query } from '@nestjs/cqrs';

/** The origins this pod holds events of, and the last originSeq of each (what a peer compares to know what to pull). */
export class ListOriginsQuery extends Query<Array<{ origin: string; lastSeq: number }>> {}

/**
 * An origin's signed events after an originSeq, in originSeq order, as their exact bytes, at
 * most `limit` of them and `maxBytes` in all (at least one): the page's JSON, as sent.
 */
export class ReadOriginEventsQuery extends Query<string> {
  constructor(
    readonly origin: string,
    readonly after: number,
    readonly limit: number,
    readonly maxBytes: number,
  ) {
    super();
  }
}

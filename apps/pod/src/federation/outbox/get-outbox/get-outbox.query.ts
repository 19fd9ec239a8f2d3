import { Query } from '@nestjs/cqrs';

/** The pod's outbox: the OrderedCollection (page absent) or one of its pages, newest first. */
export class GetOutboxQuery extends Query<Record<string, unknown>> {
  constructor(readonly page: unknown) {
    super();
  }
}

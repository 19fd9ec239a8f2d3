import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { EventStore, StoredEvent } from '@swarmtube/event-store';
import { EVENT_STORE } from '../../../event-log/event-log.tokens.js';
import { ListEventsQuery } from './list-events.query.js';

@QueryHandler(ListEventsQuery)
export class ListEventsHandler implements IQueryHandler<ListEventsQuery, StoredEvent[]> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute(query: ListEventsQuery): Promise<StoredEvent[]> {
    return this.store.readAll({ after: query.after, limit: query.limit });
  }
}

import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { StoredEvent } from '../../../../../../libs/event-store/src/event-store.port.js';
import { POD_RUNTIME } from '../../../pod-runtime.token.js';
import type { PodRuntime } from '../../../pod-runtime.js';
import { ListEventsQuery } from './list-events.query.js';

@QueryHandler(ListEventsQuery)
export class ListEventsHandler implements IQueryHandler<ListEventsQuery, StoredEvent[]> {
  constructor(@Inject(POD_RUNTIME) private readonly runtime: PodRuntime) {}

  execute(query: ListEventsQuery): Promise<StoredEvent[]> {
    return this.runtime.store.readAll({ after: query.after, limit: query.limit });
  }
}

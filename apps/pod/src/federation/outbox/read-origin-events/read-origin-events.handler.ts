import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { EventStore, StoredEvent } from '../../../../../../libs/event-store/src/event-store.port.js';
import { EVENT_STORE } from '../../../event-log/event-log.tokens.js';
import { ListOriginsQuery, ReadOriginEventsQuery } from './read-origin-events.query.js';

@QueryHandler(ListOriginsQuery)
export class ListOriginsHandler implements IQueryHandler<ListOriginsQuery, Array<{ origin: string; lastSeq: number }>> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute(): Promise<Array<{ origin: string; lastSeq: number }>> {
    return (await this.store.origins()).map(({ origin, seq }) => ({ origin, lastSeq: seq }));
  }
}

@QueryHandler(ReadOriginEventsQuery)
export class ReadOriginEventsHandler implements IQueryHandler<ReadOriginEventsQuery, StoredEvent[]> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ origin, after, limit }: ReadOriginEventsQuery): Promise<StoredEvent[]> {
    return this.store.readOrigin(origin, { after, limit });
  }
}

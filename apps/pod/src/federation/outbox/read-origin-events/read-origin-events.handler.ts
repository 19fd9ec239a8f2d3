import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { EventStore } from '@swarmtube/event-store';
import { EVENT_STORE } from '../../../event-log/event-log.tokens.js';
import { fittingCount, utf8Bytes } from '../../batches.js';
import { ListOriginsQuery, ReadOriginEventsQuery } from './read-origin-events.query.js';

/** Read from the store this many at a time while a page fills up to its byte size. */
const READ_CHUNK = 100;

@QueryHandler(ListOriginsQuery)
export class ListOriginsHandler implements IQueryHandler<ListOriginsQuery, Array<{ origin: string; lastSeq: number }>> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute(): Promise<Array<{ origin: string; lastSeq: number }>> {
    return (await this.store.origins()).map(({ origin, seq }) => ({ origin, lastSeq: seq }));
  }
}

@QueryHandler(ReadOriginEventsQuery)
export class ReadOriginEventsHandler implements IQueryHandler<ReadOriginEventsQuery, string> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ origin, after, limit, maxBytes }: ReadOriginEventsQuery): Promise<string> {
    const head = `{"origin":${JSON.stringify(origin)},"events":[`;
    // The widest `next` there can be frames the cut.
    const frame = utf8Bytes(head) + `],"next":${Number.MAX_SAFE_INTEGER}}`.length;
    const bodies: string[] = [];
    const seqs: number[] = [];
    const sizes: number[] = [];
    let bytes = frame;
    let last = after;
    // Read in chunks until the page is full by count or by bytes: a page of large events
    // never loads hundreds of them only to send a few.
    while (bodies.length < limit && bytes <= maxBytes) {
      const chunk = await this.store.readOrigin(origin, { after: last, limit: Math.min(READ_CHUNK, limit - bodies.length) });
      for (const stored of chunk) {
        const body = stored.body ?? JSON.stringify(stored.event);
        bodies.push(body);
        seqs.push(stored.event.originSeq);
        sizes.push(utf8Bytes(body));
        bytes += sizes[sizes.length - 1] + 1;
      }
      if (chunk.length === 0) break;
      last = chunk[chunk.length - 1].event.originSeq;
    }
    const count = fittingCount(sizes, maxBytes, frame);
    const page = bodies.slice(0, count);
    const next = count > 0 ? seqs[count - 1] : after;
    return `${head}${page.join(',')}],"next":${next}}`;
  }
}

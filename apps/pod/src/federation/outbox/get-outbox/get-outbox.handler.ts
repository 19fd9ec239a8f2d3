import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { EventStore } from '@swarmtube/event-store';
import { POD_ACTOR, POD_CONFIG } from '../../../config/config.tokens.js';
import type { PodConfig } from '../../../config/pod-config.js';
import { EVENT_STORE } from '../../../event-log/event-log.tokens.js';
import { integerParam } from '../../../http/query-params.js';
import { LocalMediaFacts } from '../../../videos/local-media-facts.js';
import { SWARMTUBE_CONTEXT } from '../../activities.js';
import { podUrls } from '../../discovery/actor-document.js';
import { OriginVideoObjects } from '../../videos/origin-video-objects.js';
import { GetOutboxQuery } from './get-outbox.query.js';

const PAGE_SIZE = 20;

/**
 * Any ActivityPub reader may read the outbox, so its video activities carry complete Video
 * objects (origin-video-objects.ts), where a delivery to a pod carries what each event says.
 */
@QueryHandler(GetOutboxQuery)
export class GetOutboxHandler implements IQueryHandler<GetOutboxQuery, Record<string, unknown>> {
  private readonly videoObjects: OriginVideoObjects;

  constructor(
    @Inject(POD_CONFIG) private readonly config: PodConfig,
    @Inject(POD_ACTOR) private readonly actor: string,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    media: LocalMediaFacts,
  ) {
    this.videoObjects = new OriginVideoObjects(store, actor, media);
  }

  async execute(query: GetOutboxQuery): Promise<Record<string, unknown>> {
    const { outbox } = podUrls(this.config.publicUrl);
    const total = (await this.store.originHead(this.actor))?.seq ?? 0;
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    if (query.page === undefined) {
      return { '@context': SWARMTUBE_CONTEXT, id: outbox, type: 'OrderedCollection', totalItems: total, first: `${outbox}?page=1`, last: `${outbox}?page=${pages}` };
    }
    const page = integerParam(query.page, 'page', { min: 1, max: pages });
    const newest = total - (page - 1) * PAGE_SIZE;
    const events = await this.store.readOrigin(this.actor, { after: Math.max(0, newest - PAGE_SIZE), limit: Math.min(PAGE_SIZE, newest) });
    const orderedItems = await Promise.all(events.reverse().map((s) => this.videoObjects.outboxActivity(s.event)));
    return {
      '@context': SWARMTUBE_CONTEXT,
      id: `${outbox}?page=${page}`,
      type: 'OrderedCollectionPage',
      partOf: outbox,
      totalItems: total,
      ...(page > 1 ? { prev: `${outbox}?page=${page - 1}` } : {}),
      ...(page < pages ? { next: `${outbox}?page=${page + 1}` } : {}),
      orderedItems,
    };
  }
}

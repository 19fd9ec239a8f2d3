import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { EventStore } from '@swarmtube/event-store';
import { POD_ACTOR } from '../../../config/config.tokens.js';
import { EVENT_STORE } from '../../../event-log/event-log.tokens.js';
import { LocalMediaFacts } from '../../../videos/local-media-facts.js';
import { OriginVideoObjects, type VideoAtId } from '../origin-video-objects.js';
import { GetVideoObjectQuery } from './get-video-object.query.js';

@QueryHandler(GetVideoObjectQuery)
export class GetVideoObjectHandler implements IQueryHandler<GetVideoObjectQuery, VideoAtId> {
  private readonly objects: OriginVideoObjects;

  constructor(@Inject(POD_ACTOR) actor: string, @Inject(EVENT_STORE) store: EventStore, media: LocalMediaFacts) {
    this.objects = new OriginVideoObjects(store, actor, media);
  }

  execute({ uuid }: GetVideoObjectQuery): Promise<VideoAtId> {
    return this.objects.atId(uuid);
  }
}

import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { VideoListDto } from '@swarmtube/contracts';
import type { OpenedEventStore } from '@swarmtube/event-store';
import { POD_ACTOR } from '../../../config/config.tokens.js';
import { EVENT_STORE } from '../../../event-log/event-log.tokens.js';
import { listVideos } from '../video-catalog.js';
import { SearchVideosQuery } from './search-videos.query.js';

@QueryHandler(SearchVideosQuery)
export class SearchVideosHandler implements IQueryHandler<SearchVideosQuery, VideoListDto> {
  constructor(
    @Inject(POD_ACTOR) private readonly actor: string,
    @Inject(EVENT_STORE) private readonly store: OpenedEventStore,
  ) {}

  execute({ query }: SearchVideosQuery): Promise<VideoListDto> {
    return listVideos(this.store.readModels, query, this.actor);
  }
}

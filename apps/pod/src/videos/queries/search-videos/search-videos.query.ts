import { Query } from '@nestjs/cqrs';
import type { VideoListDto } from '@swarmtube/contracts';
import type { ListVideosQuery } from '../list-videos-query.js';

/** A page of the network's published videos, searched, filtered and sorted. */
export class SearchVideosQuery extends Query<VideoListDto> {
  constructor(readonly query: ListVideosQuery) {
    super();
  }
}

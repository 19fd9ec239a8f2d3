import { Query } from '@nestjs/cqrs';
import type { VideoAtId } from '../origin-video-objects.js';

/** What this pod answers at a video's ActivityPub id: its Video, a Tombstone, the id at its origin, or nothing. */
export class GetVideoObjectQuery extends Query<VideoAtId> {
  constructor(readonly uuid: string) {
    super();
  }
}

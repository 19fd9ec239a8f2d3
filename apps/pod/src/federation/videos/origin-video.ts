import { isCatalogEvent, type CatalogEvent } from '@swarmtube/contracts';
import type { EventEnvelope } from '@swarmtube/event-envelope';
import type { VideoObjectSource } from '../video-object.js';

/**
 * A video as one origin's events in its stream make it: published (and maybe updated since),
 * or deleted. Pure, so the same fold serves the object at its id (the video now) and an Update
 * in the outbox (the video just after that update).
 */
export type OriginVideo = { state: 'published'; source: VideoObjectSource } | { state: 'deleted'; deletedAt: string };

/**
 * Folds the events of a video's stream that `origin` signed, in stream order; null when that
 * origin never published it. With `through`, stops after the event of that id. Events of other
 * origins in the same stream change nothing: only a video's origin may update or delete it, as
 * in the read model (videos.projection.ts).
 */
export function foldOriginVideo(events: readonly EventEnvelope[], origin: string, through?: string): OriginVideo | null {
  let video: OriginVideo | null = null;
  for (const event of events) {
    if (event.origin === origin && isCatalogEvent(event)) video = step(video, event);
    if (event.id === through) break;
  }
  return video;
}

function step(video: OriginVideo | null, event: CatalogEvent): OriginVideo | null {
  switch (event.type) {
    case 'VideoPublished': {
      // A second VideoPublished in one stream cannot be appended (expectedVersion no-stream).
      if (video) return video;
      const { data } = event;
      return { state: 'published', source: { origin: event.origin, data, updatedAt: data.publishedAt } };
    }
    case 'VideoUpdated': {
      if (video?.state !== 'published') return video;
      const change = event.data;
      const { data } = video.source;
      return {
        state: 'published',
        source: {
          origin: video.source.origin,
          data: {
            ...data,
            ...(change.name !== undefined ? { name: change.name } : {}),
            ...(change.description !== undefined ? { description: change.description } : {}),
            ...(change.tags !== undefined ? { tags: change.tags } : {}),
          },
          updatedAt: event.occurredAt,
        },
      };
    }
    case 'VideoDeleted':
      return video ? { state: 'deleted', deletedAt: event.occurredAt } : video;
    default:
      return video;
  }
}

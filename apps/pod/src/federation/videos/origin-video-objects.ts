import { videoStream } from '@swarmtube/contracts';
import type { EventEnvelope } from '@swarmtube/event-envelope';
import type { EventStore } from '@swarmtube/event-store';
import type { LocalMediaFacts } from '../../videos/local-media-facts.js';
import { activityFor } from '../activities.js';
import { publishedVideoObject, videoObject, videoPageUrl, videoTombstone } from '../video-object.js';
import { foldOriginVideo } from './origin-video.js';

type Json = Record<string, unknown>;

/** What the pod answers at a video's id (`/videos/watch/<uuid>`). */
export type VideoAtId =
  | { kind: 'video'; object: Json }
  | { kind: 'gone'; object: Json }
  /** Another pod's video: its id is there. */
  | { kind: 'elsewhere'; id: string }
  | { kind: 'unknown' };

/**
 * The Video objects the origin pod serves to any ActivityPub reader: at a video's id, and in
 * its outbox. Built from the video's signed events (its stream) and the facts the origin reads
 * from its files, so they are complete where the events sent to other pods cannot be.
 */
export class OriginVideoObjects {
  constructor(
    private readonly store: Pick<EventStore, 'readStream'>,
    /** This pod's actor URL. */
    private readonly actor: string,
    private readonly media: Pick<LocalMediaFacts, 'of'>,
  ) {}

  /** The video now, if this pod is its origin; the Tombstone if it deleted it. */
  async atId(uuid: string): Promise<VideoAtId> {
    const events = await this.events(uuid);
    const video = foldOriginVideo(events, this.actor);
    if (video?.state === 'published') return { kind: 'video', object: videoObject(video.source, await this.media.of(uuid)) };
    if (video?.state === 'deleted') return { kind: 'gone', object: videoTombstone(this.actor, uuid, video.deletedAt) };
    const publisher = events.find((event) => event.type === 'VideoPublished')?.origin;
    return publisher ? { kind: 'elsewhere', id: videoPageUrl(publisher, uuid) } : { kind: 'unknown' };
  }

  /**
   * One of this pod's events as the activity its outbox shows (without @context). A Create
   * carries the Video as published, with the media facts while the video is there; an Update
   * the whole Video just after that update (PeerTube checks an Update's object like a
   * Create's and refuses a partial one), not the fields the event changed.
   */
  async outboxActivity(event: EventEnvelope): Promise<Json> {
    const { '@context': _context, ...activity } = activityFor(event);
    const uuid = (event.data as { uuid?: unknown }).uuid;
    if (event.origin !== this.actor || typeof uuid !== 'string') return activity;
    if (event.type === 'VideoPublished') return { ...activity, object: publishedVideoObject(event, await this.media.of(uuid)) };
    if (event.type === 'VideoUpdated') {
      const video = foldOriginVideo(await this.events(uuid), this.actor, event.id);
      if (video?.state === 'published') return { ...activity, object: videoObject(video.source, await this.media.of(uuid)) };
    }
    return activity;
  }

  private async events(uuid: string): Promise<EventEnvelope[]> {
    return (await this.store.readStream(videoStream(uuid))).map((stored) => stored.event);
  }
}

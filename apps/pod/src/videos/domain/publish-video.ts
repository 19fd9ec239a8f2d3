import type { EventDraft } from '../../../../../libs/event-envelope/src/envelope.js';
import type { VideoState } from './video.js';
import type { VideoFields } from './video-fields.js';

/**
 * The last step of an upload's job: publish the processed video, once. Pure: the job reads
 * the video's stream, folds it (video.ts), decides here, and appends at the version it read,
 * so a job resumed after a crash (or run twice) can never publish the same video twice: the
 * second run finds the stream published and appends nothing.
 */
export interface PublishVideo {
  uuid: string;
  owner: string;
  fields: VideoFields;
  /** What processing found: the published file's duration (s), size (bytes) and type. */
  media: { durationSeconds: number; size: number; mimeType: string };
  /** Where the video is served and its torrent's identity. */
  distribution: { infoHash: string; magnetUri: string; torrentUrl: string; webSeedUrl: string; thumbnailUrl: string };
  publishedAt: string;
}

export type PublishDecision =
  /** Not published yet: append this VideoPublished, expecting an empty stream. */
  | { outcome: 'publish'; drafts: [EventDraft] }
  /** A previous run appended it (a crash before the job row said so): nothing to append. */
  | { outcome: 'already-published' }
  /** Published, then deleted: the job must not bring it back. */
  | { outcome: 'deleted' };

export function decidePublish(state: VideoState, command: PublishVideo): PublishDecision {
  if (state.status === 'published') return { outcome: 'already-published' };
  if (state.status === 'deleted') return { outcome: 'deleted' };
  const { uuid, fields, media, distribution } = command;
  return {
    outcome: 'publish',
    drafts: [
      {
        type: 'VideoPublished',
        schemaVersion: 1,
        data: {
          uuid,
          name: fields.name,
          description: fields.description,
          tags: fields.tags,
          duration: Math.round(media.durationSeconds),
          size: media.size,
          mimeType: media.mimeType,
          infoHash: distribution.infoHash,
          magnetUri: distribution.magnetUri,
          torrentUrl: distribution.torrentUrl,
          webSeedUrls: [distribution.webSeedUrl],
          thumbnailUrl: distribution.thumbnailUrl,
          publishedAt: command.publishedAt,
          account: { username: command.owner },
        },
      },
    ],
  };
}

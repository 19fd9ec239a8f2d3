import type { VideoPublishedDataV1, VideoUpdatedDataV1 } from '../../../../libs/contracts/src/events/event-types.js';
import type { EventEnvelope } from '../../../../libs/event-envelope/src/envelope.js';
import { NO_MEDIA_FACTS, type MediaFacts } from '../videos/local-media-facts.js';
import { PodUrls } from '../../../../libs/contracts/src/pod-urls.js';
import { MAX_TRACKER_LINKS } from '../../../../libs/contracts/src/federation/federation-limits.js';

/**
 * The Video object a plain ActivityPub reader gets for a video event (docs/protocol.md, "The
 * Video object"). Shaped field by field like PeerTube's own (its 6.x captures in
 * shared/reference/activitypub/peertube/), from what the signed events say and, on the origin
 * only, what it reads from its own files (picture sizes, frame rate): what is not known is left
 * out rather than guessed, even where PeerTube then refuses the object.
 */

type Json = Record<string, unknown>;

export const AS_PUBLIC = 'https://www.w3.org/ns/activitystreams#Public';

/**
 * PeerTube's JSON-LD definitions (verbatim from its @context) of the extension terms our Video
 * objects use, so that a JSON-LD reader expands them to the IRIs PeerTube's do. Only the terms
 * we emit: a definition for a term we never send would only be noise.
 */
export const PEERTUBE_VIDEO_TERMS = {
  pt: 'https://joinpeertube.org/ns#',
  sc: 'http://schema.org/',
  Hashtag: 'as:Hashtag',
  sensitive: 'as:sensitive',
  isLiveBroadcast: 'sc:isLiveBroadcast',
  uuid: { '@type': 'sc:identifier', '@id': 'pt:uuid' },
  views: { '@type': 'sc:Number', '@id': 'pt:views' },
  state: { '@type': 'sc:Number', '@id': 'pt:state' },
  size: { '@type': 'sc:Number', '@id': 'pt:size' },
  commentsEnabled: { '@type': 'sc:Boolean', '@id': 'pt:commentsEnabled' },
  commentsPolicy: { '@type': 'sc:Number', '@id': 'pt:commentsPolicy' },
  downloadEnabled: { '@type': 'sc:Boolean', '@id': 'pt:downloadEnabled' },
  waitTranscoding: { '@type': 'sc:Boolean', '@id': 'pt:waitTranscoding' },
} as const;

/**
 * Ours, in the `st:` namespace. The uploader is a pod account, not an ActivityPub actor (no
 * URL answers for it), so it travels as a JSON literal rather than as a Person in attributedTo
 * that nobody could fetch.
 */
export const SWARMTUBE_VIDEO_TERMS = {
  account: { '@id': 'st:account', '@type': '@json' },
} as const;

/** PeerTube's numbers (VideoState.PUBLISHED, VideoCommentPolicy.DISABLED). */
const STATE_PUBLISHED = 1;
const COMMENTS_DISABLED = 2;

export const MAGNET_MEDIA_TYPE = 'application/x-bittorrent;x-scheme-handler/magnet';
export const TORRENT_MEDIA_TYPE = 'application/x-bittorrent';

/** The video's page, which is also its ActivityPub id (as on PeerTube). */
export function videoPageUrl(origin: string, uuid: string): string {
  return PodUrls.ofActor(origin).video(uuid);
}

/**
 * The trackers a magnet names, as PeerTube lists them in `url`. PeerTube only knows HTTP and
 * WebSocket trackers (it calls anything not http "websocket"), so a UDP tracker stays in the
 * magnet alone rather than being mislabelled. At most MAX_TRACKER_LINKS of them: a magnet of many
 * tiny trackers would otherwise make an activity many times heavier than its event, past what
 * an inbox takes (federation-limits.ts).
 */
function trackerLinks(magnetUri: string): Json[] {
  let trackers: string[];
  try {
    trackers = new URL(magnetUri).searchParams.getAll('tr');
  } catch {
    return [];
  }
  return trackers
    .flatMap((href) => {
      const kind = /^https?:/i.test(href) ? 'http' : /^wss?:/i.test(href) ? 'websocket' : null;
      return kind ? [{ type: 'Link', name: `tracker-${kind}`, rel: ['tracker', kind], href }] : [];
    })
    .slice(0, MAX_TRACKER_LINKS);
}

/**
 * What a Video object is made of: the video as its origin's events state it (at publication,
 * or folded with later updates), and the origin pod's actor URL.
 */
export interface VideoObjectSource {
  origin: string;
  data: VideoPublishedDataV1;
  /** The time of the last change: publication, or the last VideoUpdated. */
  updatedAt: string;
}

/** PeerTube refuses a Video whose content is shorter (isVideoDescriptionValid, 3 to 10,000). */
const MIN_CONTENT_LENGTH = 3;

/**
 * A complete Video object. `media` are the facts only the origin can read from its files
 * (local-media-facts.ts); without them the icon and the file links have no size, which is
 * what every pod but the origin can say, and PeerTube then refuses the icon and drops the links.
 * The booleans state what holds for every Swarmtube video (no comments, no live, the file is
 * public), which a PeerTube reader otherwise has to default.
 */
export function videoObject({ origin, data: d, updatedAt }: VideoObjectSource, media: MediaFacts = NO_MEDIA_FACTS): Json {
  const page = videoPageUrl(origin, d.uuid);
  // PeerTube's resolution of a file is its height (and width, fps beside it); fps is an integer there.
  const resolution = media.picture
    ? { height: media.picture.height, width: media.picture.width, ...(media.picture.frameRate ? { fps: Math.round(media.picture.frameRate) } : {}) }
    : {};
  return {
    type: 'Video',
    id: page,
    uuid: d.uuid,
    name: d.name,
    duration: `PT${d.duration}S`,
    // Too short a description is no content: PeerTube would refuse the whole Video for it.
    ...(Array.from(d.description).length >= MIN_CONTENT_LENGTH ? { mediaType: 'text/markdown', content: d.description } : {}),
    published: d.publishedAt,
    updated: updatedAt,
    attributedTo: [{ type: 'Application', id: origin }],
    account: d.account.displayName ? { username: d.account.username, displayName: d.account.displayName } : { username: d.account.username },
    to: [AS_PUBLIC],
    tag: d.tags.map((name) => ({ type: 'Hashtag', name })),
    // Every pod writes its thumbnails as JPEG.
    icon: [{ type: 'Image', url: d.thumbnailUrl, mediaType: 'image/jpeg', ...(media.thumbnail ? { width: media.thumbnail.width, height: media.thumbnail.height } : {}) }],
    url: [
      // First, as on PeerTube: Mastodon shows the first text/html link as the video's page.
      { type: 'Link', mediaType: 'text/html', href: page },
      // The web seeds are copies of the one file (not resolutions), each a link to it.
      ...d.webSeedUrls.map((href) => ({ type: 'Link', mediaType: d.mimeType, href, ...resolution, size: d.size })),
      // PeerTube pairs a file with its torrent and magnet by resolution, so they carry it too.
      { type: 'Link', mediaType: TORRENT_MEDIA_TYPE, href: d.torrentUrl, ...resolution },
      // The info-hash travels in the magnet's xt, which is where PeerTube reads it.
      { type: 'Link', mediaType: MAGNET_MEDIA_TYPE, href: d.magnetUri, ...resolution },
      ...trackerLinks(d.magnetUri),
    ],
    views: 0,
    sensitive: false,
    waitTranscoding: false,
    state: STATE_PUBLISHED,
    commentsEnabled: false,
    commentsPolicy: COMMENTS_DISABLED,
    downloadEnabled: true,
    isLiveBroadcast: false,
  };
}

/**
 * The object of the Create for a VideoPublished, as published. `views` is 0 because at
 * publication it is (and no pod counts views yet).
 */
export function publishedVideoObject(event: EventEnvelope, media: MediaFacts = NO_MEDIA_FACTS): Json {
  const data = event.data as unknown as VideoPublishedDataV1;
  // Nothing has changed since publication, and PeerTube requires the field.
  return videoObject({ origin: event.origin, data, updatedAt: data.publishedAt }, media);
}

/**
 * The object of the Update for a VideoUpdated: the fields that changed and when. The event
 * carries only those, and activityFor sees one event at a time, so this is not the complete
 * object an ActivityPub Update between servers should carry (PeerTube refuses it: no duration,
 * icon, url…). Pods read the event; where the origin serves its own activities to any reader
 * (its outbox), it folds the video's stream into the complete object instead
 * (videos/origin-video-objects.ts).
 */
export function updatedVideoObject(event: EventEnvelope): Json {
  const d = event.data as unknown as VideoUpdatedDataV1;
  return {
    type: 'Video',
    id: videoPageUrl(event.origin, d.uuid),
    uuid: d.uuid,
    ...(d.name !== undefined ? { name: d.name } : {}),
    // Here an empty description is a change (it was cleared), so it is sent.
    ...(d.description !== undefined ? { mediaType: 'text/markdown', content: d.description } : {}),
    ...(d.tags !== undefined ? { tag: d.tags.map((name) => ({ type: 'Hashtag', name })) } : {}),
    updated: event.occurredAt,
    attributedTo: [{ type: 'Application', id: event.origin }],
    to: [AS_PUBLIC],
  };
}

/**
 * What the origin answers at the id of a video it deleted (as Mastodon does for a deleted
 * object: 410 Gone and a Tombstone), so a reader that dereferences it drops its copy.
 */
export function videoTombstone(origin: string, uuid: string, deletedAt: string): Json {
  return { type: 'Tombstone', id: videoPageUrl(origin, uuid), formerType: 'Video', deleted: deletedAt };
}

/** The object of the Delete for a VideoDeleted: the video's id alone, no Tombstone, as PeerTube sends. */
export function deletedVideoId(event: EventEnvelope): string {
  return videoPageUrl(event.origin, (event.data as { uuid: string }).uuid);
}

import type { Request } from 'express';

/**
 * One URL, two representations, as on PeerTube and Mastodon: a video's page is the site for a
 * browser and the Video object for an ActivityPub reader, which dereferences the object's id.
 */

export const ACTIVITY_STREAMS_PROFILE = 'https://www.w3.org/ns/activitystreams';

/**
 * What ActivityPub readers ask for: PeerTube sends `application/activity+json,
 * application/ld+json`; Mastodon adds the profile and `text/html;q=0.1`. The profiled type is
 * listed on its own because a media range with parameters matches only the same parameters.
 */
const ACTIVITY_PUB_TYPES = ['application/activity+json', `application/ld+json; profile="${ACTIVITY_STREAMS_PROFILE}"`, 'application/ld+json'];

export type Representation = 'html' | 'activity-json';

/**
 * The representation the client prefers by its Accept header (quality, then specificity), or
 * null when it takes neither. HTML is listed first, so a client that takes anything (no Accept,
 * or `*\/*`: a browser, curl) gets the site.
 */
export function preferredRepresentation(request: Pick<Request, 'accepts'>): Representation | null {
  const best = request.accepts(['html', ...ACTIVITY_PUB_TYPES]);
  if (best === false) return null;
  return best === 'html' ? 'html' : 'activity-json';
}

/**
 * PeerTube's checks of a remote Video object, ported for tests (from PeerTube 6.x to 7.x:
 * server/core/helpers/custom-validators/activitypub/videos.ts sanitizeAndCheckVideoTorrentObject
 * and isRemoteVideoUrlValid, misc.ts setValidRemoteIcon and setValidAttributedTo, and the
 * pairing of files with magnets in lib/activitypub/videos/shared/object-to-model-attributes.ts).
 * Only the checks a Swarmtube Video meets: what PeerTube would drop from `url` and `icon`, and
 * the first field that makes it refuse the whole object. A port, not PeerTube: it tells where
 * we stand against the checks we read, not that a PeerTube instance accepts a video.
 */


/** Of PeerTube's MIMETYPES.AP_VIDEO, those a pod's files can have. */
const AP_VIDEO = new Set(['video/mp4', 'video/webm', 'video/ogg', 'audio/mp4']);
const AP_TORRENT = 'application/x-bittorrent';
const AP_MAGNET = 'application/x-bittorrent;x-scheme-handler/magnet';
const IMAGE = new Set(['image/png', 'image/jpg', 'image/jpeg', 'image/webp']);

const isInt = (value: unknown, min: number) => /^[-+]?\d+$/.test(String(value)) && Number(value) >= min;
const isUrl = (value: unknown) => typeof value === 'string' && value.length <= 2000 && /^https?:\/\/[^/\s]+/.test(value);
const isDate = (value: unknown) => typeof value === 'string' && !Number.isNaN(Date.parse(value));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** isRemoteVideoUrlValid, for the link kinds we send (HLS playlists and metadata links aside). */
export function keptUrlLink(url: any): boolean {
  if (url?.type !== 'Link') return false;
  if (AP_VIDEO.has(url.mediaType)) return isUrl(url.href) && isInt(url.height, 0) && isInt(url.size, 0) && (!url.fps || isInt(url.fps, -1));
  if (url.mediaType === AP_TORRENT) return isUrl(url.href) && isInt(url.height, 0);
  if (url.mediaType === AP_MAGNET) return typeof url.href === 'string' && url.href.length >= 5 && isInt(url.height, 0);
  return Array.isArray(url.rel) && url.rel.includes('tracker') && isUrl(url.href);
}

/** setValidRemoteIcon: an Image with a URL, an image media type and integer sizes. */
export function keptIcon(icon: any): boolean {
  return icon?.type === 'Image' && isUrl(icon.url) && IMAGE.has(icon.mediaType) && isInt(icon.width, 0) && isInt(icon.height, 0);
}

export interface PeerTubeVerdict {
  /** The first field PeerTube refuses the Video for, or null when it passes the checks. */
  refused: string | null;
  /** What is left of `url` and `icon` after PeerTube's filters. */
  url: any[];
  icon: any[];
}

/** sanitizeAndCheckVideoTorrentObject, in PeerTube's order, then the file-to-magnet pairing. */
export function peerTubeVerdict(video: any): PeerTubeVerdict {
  const url = Array.isArray(video?.url) ? video.url.filter(keptUrlLink) : [];
  const icon = [video?.icon ?? []].flat().filter(keptIcon);
  const attributedTo = [video?.attributedTo ?? []].flat().filter((a: any) => isUrl(a) || ((a?.type === 'Group' || a?.type === 'Person') && isUrl(a.id)));
  const verdict = (refused: string | null): PeerTubeVerdict => ({ refused, url, icon });
  if (video?.type !== 'Video') return verdict('type');
  if (!Array.isArray(video.url)) return verdict('urls');
  if (icon.length === 0) return verdict('icons');
  if (!isUrl(video.id)) return verdict('id');
  if (typeof video.name !== 'string' || video.name.length < 3 || video.name.length > 120) return verdict('name');
  if (typeof video.duration !== 'string' || !/^PT\d+S$/.test(video.duration)) return verdict('duration');
  if (!UUID.test(video.uuid ?? '')) return verdict('uuid');
  if (!isInt(video.views, 0)) return verdict('views');
  if (!isDate(video.published)) return verdict('published');
  if (!isDate(video.updated)) return verdict('updated');
  if (video.content !== undefined && video.content !== null) {
    const length = Array.from(String(video.content)).length;
    if (!['text/markdown', 'text/html'].includes(video.mediaType) || length < 3 || length > 10_000) return verdict('mediaType/content');
  }
  if (attributedTo.length === 0) return verdict('attributedTo');
  // getFileAttributesFromUrl: each file needs a magnet of the same resolution to take its info-hash from.
  for (const file of url.filter((u: any) => AP_VIDEO.has(u.mediaType))) {
    if (!url.some((u: any) => u.mediaType === AP_MAGNET && u.height === file.height)) return verdict('magnet of a file');
  }
  return verdict(null);
}

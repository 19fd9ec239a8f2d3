import { bdecode, bencode, readTorrent, type Decoded } from '@swarmtube/torrent';

/**
 * The same torrent (the same info dictionary, so the same info-hash) with other trackers and
 * web seeds: a mirror's .torrent names its own trackers and web seed beside the origin's.
 * Null when the bytes are not a torrent of `infoHash`: a copy is only made of the video that
 * was published.
 */
export function torrentWithSources(torrent: Uint8Array, infoHash: string, announce: readonly string[], urlList: readonly string[]): Buffer | null {
  const parsed = readTorrent(torrent);
  if (!parsed.ok || parsed.torrent.infoHash !== infoHash) return null;
  const decoded = bdecode(torrent);
  if (!decoded.ok || !(decoded.value instanceof Map)) return null;
  const info = decoded.value.get('info') as Decoded;
  const fields: [string, unknown][] = [];
  if (announce.length > 0) fields.push(['announce', announce[0]], ['announce-list', announce.map((url) => [url])]);
  fields.push(['info', info]);
  if (urlList.length > 0) fields.push(['url-list', [...urlList]]);
  const rewritten = bencode(new Map(fields) as never);
  const check = readTorrent(rewritten);
  return check.ok && check.torrent.infoHash === infoHash ? rewritten : null;
}

/** The trackers of a torrent and its web seeds, as parsed. */
export function torrentSources(torrent: Uint8Array): { announce: readonly string[]; urlList: readonly string[]; name: string; length: number } | null {
  const parsed = readTorrent(torrent);
  return parsed.ok ? { announce: parsed.torrent.announce, urlList: parsed.torrent.urlList, name: parsed.torrent.name, length: parsed.torrent.length } : null;
}

/**
 * How big a resumable upload's next chunk is (the site's uploader and the benchmark that
 * measures it): each chunk is a request, and each request costs a round trip and, on a busy
 * machine, two scheduling hand-offs, so a fast line gets bigger chunks. A chunk cut off loses
 * nothing (the pod keeps the bytes that arrived), so size only trades that per-request cost
 * against how often the progress is confirmed: aim at a few seconds per chunk, as PeerTube's
 * web client does (ngx-uploadx's dynamic chunk size).
 */

const MiB = 1024 * 1024;
/** The first chunk, and the first after a failure. */
export const RESUMABLE_FIRST_CHUNK_BYTES = 8 * MiB;
/** The largest: a reverse proxy must let this through (deploy/nginx/swarmtube.conf lets the whole file through). */
export const RESUMABLE_MAX_CHUNK_BYTES = 128 * MiB;
/** What a chunk should take at the speed of the last one. */
export const RESUMABLE_TARGET_CHUNK_MS = 3000;

/** The next chunk's size after one of `bytes` took `ms`: the speed times the target, in whole MiB, within the bounds; at most twice the last. */
export function nextChunkBytes(bytes: number, ms: number): number {
  if (!(bytes > 0) || !(ms >= 0)) return RESUMABLE_FIRST_CHUNK_BYTES;
  const atSpeed = (bytes / Math.max(ms, 1)) * RESUMABLE_TARGET_CHUNK_MS;
  const wanted = Math.min(atSpeed, bytes * 2, RESUMABLE_MAX_CHUNK_BYTES);
  return Math.max(RESUMABLE_FIRST_CHUNK_BYTES, Math.floor(wanted / MiB) * MiB);
}

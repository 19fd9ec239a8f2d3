/**
 * Whether a request must carry a signed Digest. Mastodon and PeerTube require it on POST;
 * PUT and PATCH carry bodies too, and any bytes that were actually sent must be bound.
 */
export function carriesBody(method: string, body: Uint8Array | undefined): boolean {
  if (body !== undefined && body.length > 0) return true;
  const m = method.toUpperCase();
  return m === 'POST' || m === 'PUT' || m === 'PATCH';
}

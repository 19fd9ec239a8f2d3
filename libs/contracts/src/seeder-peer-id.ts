/**
 * A pod seeder's BitTorrent peer id says which pod it is, so that a viewer's page can count
 * the bytes it got from the origin pod (and from mirror pods) apart from those of other
 * viewers (the P2P panel): `-ST0001-` (Azureus style: client `ST`, version 0001), then six
 * bytes derived from the pod's public URL, then six random bytes. A label, not a proof: any
 * peer could claim it (its only effect is on the claimer's neighbours' panels), and the full
 * id is random enough for the tracker to tell two seeders of one pod apart.
 */

export const SEEDER_PEER_ID_CLIENT = '-ST0001-';

/** 20 bytes as 40 hex characters: the id the seeder's webtorrent client announces and shakes hands with. */
export function seederPeerId(podPublicUrl: string, random: Uint8Array): string {
  if (random.length < 6) throw new RangeError('seederPeerId: needs 6 random bytes');
  return seederPeerIdPrefix(podPublicUrl) + toHex(random.subarray(0, 6));
}

/** The first 14 bytes (28 hex characters) of the pod's seeder peer ids. */
export function seederPeerIdPrefix(podPublicUrl: string): string {
  return toHex(new TextEncoder().encode(SEEDER_PEER_ID_CLIENT)) + podDigest(podOrigin(podPublicUrl));
}

/** True for a peer id (hex) of any pod's seeder. */
export function isSeederPeerId(peerIdHex: string): boolean {
  return peerIdHex.toLowerCase().startsWith(toHex(new TextEncoder().encode(SEEDER_PEER_ID_CLIENT)));
}

/** `scheme://host[:port]` of a URL, lower-case: a pod's public URL or any URL on it (a web seed). */
export function podOrigin(url: string): string {
  return new URL(url).origin.toLowerCase();
}

/** Six bytes of two FNV-1a passes over the origin (no crypto needed, the same in Node and browsers). */
function podDigest(origin: string): string {
  const bytes = new TextEncoder().encode(origin);
  const fnv = (seed: number) => {
    let hash = seed >>> 0;
    for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
    return hash;
  };
  const a = fnv(0x811c9dc5);
  const b = fnv(0x050c5d1f);
  return (a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0')).slice(0, 12);
}

function toHex(bytes: Uint8Array): string {
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

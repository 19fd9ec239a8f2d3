import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Which addresses a pod may connect to on a peer's word. A signed request names its key by URL
 * (keyId), make-friends follows the hosts that seeds list, a friend's actor names its inbox:
 * without a policy, anyone could make a pod probe its own network (loopback, the cloud's
 * metadata address, the LAN). As on Mastodon (ALLOWED_PRIVATE_ADDRESSES), private, loopback,
 * link-local and other special-purpose ranges are refused unless
 * federation.allowPrivateAddresses is on: the demo network and the tests, all on loopback,
 * turn it on. The check runs on the addresses DNS gives at connect time, so a name that
 * resolves to a public address when checked and a private one when used (DNS rebinding) is
 * caught too.
 */

/** RFC 6890 special-purpose ranges a federation peer has no business in. */
const SPECIAL_PURPOSE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) SPECIAL_PURPOSE.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) SPECIAL_PURPOSE.addSubnet(network, prefix, 'ipv6');

/**
 * An address (IPv4 or IPv6) in a range a pod does not federate with by default. IPv6 forms
 * that carry an IPv4 address are judged by that address: IPv4-mapped and IPv4-compatible
 * (`::ffff:a.b.c.d`, `::a.b.c.d`, in any notation), NAT64 (`64:ff9b::/96`, RFC 6052: a NAT64
 * gateway connects to the IPv4 it embeds) and 6to4 (`2002::/16`, RFC 3056: a relay routes
 * to it). The local-use NAT64 prefix `64:ff9b:1::/48` (RFC 8215) is refused whole.
 */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return SPECIAL_PURPOSE.check(bare, 'ipv4');
  if (family !== 6) return false;
  if (SPECIAL_PURPOSE.check(bare, 'ipv6')) return true;
  const bytes = ipv6Bytes(bare);
  if (bytes === null) return true; // Node calls it IPv6 and the URL parser does not: refuse rather than guess.
  const embedded = embeddedIPv4(bytes);
  return embedded !== null && SPECIAL_PURPOSE.check(embedded, 'ipv4');
}

/**
 * The 16 bytes of an IPv6 address. The WHATWG URL parser (Node's own) reads every notation,
 * dotted tails included, and writes the address back as compressed hex groups only.
 */
function ipv6Bytes(address: string): number[] | null {
  let host: string;
  try {
    host = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return null;
  }
  const groups = (text: string | undefined): number[] => (text ? text.split(':').map((group) => parseInt(group, 16)) : []);
  const [head, tail] = host.split('::');
  const left = groups(head);
  const right = groups(tail);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return all.flatMap((group) => [group >> 8, group & 0xff]);
}

/** The IPv4 address an IPv6 address carries by one of the translations above, or null. */
function embeddedIPv4(bytes: number[]): string | null {
  const zeros = (from: number, to: number): boolean => bytes.slice(from, to).every((b) => b === 0);
  const quad = (at: number): string => bytes.slice(at, at + 4).join('.');
  if (zeros(0, 10) && ((bytes[10] === 0xff && bytes[11] === 0xff) || (bytes[10] === 0 && bytes[11] === 0))) return quad(12);
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zeros(4, 12)) return quad(12);
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return quad(2);
  return null;
}

export class PrivateAddressError extends Error {
  readonly code = 'ERR_PRIVATE_ADDRESS';
  constructor(host: string, address: string) {
    super(`${host} is at ${address}, a private or special-purpose address (federation.allowPrivateAddresses is off)`);
  }
}

/** Refuses a URL whose host is a private IP literal (net.connect does no lookup for those). */
export function assertPublicLiteral(url: URL): void {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 && isPrivateAddress(host)) throw new PrivateAddressError(url.hostname, host);
  if (/^localhost\.?$/i.test(host) || /\.localhost\.?$/i.test(host)) throw new PrivateAddressError(url.hostname, 'loopback');
}

/** A `lookup` for net.connect that resolves as usual and refuses private answers. */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const refused = addresses.find((entry) => isPrivateAddress(entry.address));
    if (refused) return callback(new PrivateAddressError(hostname, refused.address), '', 0);
    if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname}: no address`), { code: 'ENOTFOUND' }), '', 0);
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    return callback(null, addresses[0].address, addresses[0].family);
  });
};

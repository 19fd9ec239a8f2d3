/**
 * Peer addresses in their compact forms (BEP 23: 4 bytes + port; BEP 7: 16 bytes + port),
 * parsed from the source address Node gives (`req.socket.remoteAddress`, `rinfo.address`).
 * An IPv4-mapped IPv6 address (dual-stack socket) is an IPv4 peer.
 */

/** Writes the 4 bytes of a dotted IPv4 address at out[offset]; false if `text` is not one. */
export function writeIpv4(text: string, out: Uint8Array, offset: number): boolean {
  let part = 0;
  let digits = 0;
  let index = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      part = part * 10 + (c - 0x30);
      if (++digits > 3 || part > 255) return false;
    } else if (c === 0x2e /* . */) {
      if (digits === 0 || index === 3) return false;
      out[offset + index++] = part;
      part = 0;
      digits = 0;
    } else {
      return false;
    }
  }
  if (digits === 0 || index !== 3) return false;
  out[offset + 3] = part;
  return true;
}

/** Writes the 16 bytes of a textual IPv6 address (RFC 4291 forms, zone id ignored); false if invalid. */
export function writeIpv6(text: string, out: Uint8Array, offset: number): boolean {
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const gap = text.indexOf('::');
  if (gap >= 0 && text.indexOf('::', gap + 1) >= 0) return false;
  const head = gap >= 0 ? text.slice(0, gap) : text;
  const tail = gap >= 0 ? text.slice(gap + 2) : '';
  const headWords = parseWords(head, gap < 0);
  const tailWords = gap >= 0 ? parseWords(tail, true) : [];
  if (headWords === null || tailWords === null) return false;
  const total = headWords.length + tailWords.length;
  if (gap < 0 ? total !== 8 : total > 7) return false;
  const words = [...headWords, ...new Array<number>(8 - total).fill(0), ...tailWords];
  for (let i = 0; i < 8; i++) {
    out[offset + 2 * i] = words[i] >> 8;
    out[offset + 2 * i + 1] = words[i] & 0xff;
  }
  return true;
}

/** 16-bit words of one side of '::'; the last group may be a dotted IPv4 address when `ipv4Allowed`. */
function parseWords(text: string, ipv4Allowed: boolean): number[] | null {
  if (text === '') return [];
  const groups = text.split(':');
  const words: number[] = [];
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i];
    if (i === groups.length - 1 && ipv4Allowed && group.includes('.')) {
      const v4 = new Uint8Array(4);
      if (!writeIpv4(group, v4, 0)) return null;
      words.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
    } else {
      if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return null;
      words.push(parseInt(group, 16));
    }
  }
  return words;
}

const MAPPED_PREFIX = '::ffff:';

/**
 * Writes the compact form (address then port, network order) of a source address into
 * `out` (at least 18 bytes) and returns its length: 6 for IPv4 (or IPv4-mapped IPv6),
 * 18 for IPv6, 0 when the address cannot be parsed.
 */
export function writeCompactPeer(address: string, port: number, out: Uint8Array): 0 | 6 | 18 {
  if (writeIpv4(address, out, 0)) {
    out[4] = port >> 8;
    out[5] = port & 0xff;
    return 6;
  }
  if (address.length > MAPPED_PREFIX.length && address.slice(0, MAPPED_PREFIX.length).toLowerCase() === MAPPED_PREFIX) {
    if (writeIpv4(address.slice(MAPPED_PREFIX.length), out, 0)) {
      out[4] = port >> 8;
      out[5] = port & 0xff;
      return 6;
    }
  }
  if (writeIpv6(address, out, 0)) {
    if (isMappedIpv4(out)) {
      out.copyWithin(0, 12, 16);
      out[4] = port >> 8;
      out[5] = port & 0xff;
      return 6;
    }
    out[16] = port >> 8;
    out[17] = port & 0xff;
    return 18;
  }
  return 0;
}

function isMappedIpv4(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/** The textual address of a compact peer (6 or 18 bytes at `offset`), for non-compact answers. */
export function formatCompactAddress(bytes: Uint8Array, offset: number, length: 6 | 18): string {
  if (length === 6) return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
  const words: string[] = [];
  for (let i = 0; i < 8; i++) words.push(((bytes[offset + 2 * i] << 8) | bytes[offset + 2 * i + 1]).toString(16));
  return compressIpv6(words);
}

/** RFC 5952: the longest run (two or more) of zero words becomes '::'. */
function compressIpv6(words: string[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === '0') j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return words.join(':');
  return `${words.slice(0, bestStart).join(':')}::${words.slice(bestStart + bestLength).join(':')}`;
}

export function compactPort(bytes: Uint8Array, offset: number, length: 6 | 18): number {
  return (bytes[offset + length - 2] << 8) | bytes[offset + length - 1];
}

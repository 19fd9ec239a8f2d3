import { failure, FULL_SCRAPE_REFUSED, type TrackerFailure } from './failures.js';
import { EVENT_COMPLETED, EVENT_NONE, EVENT_STARTED, EVENT_STOPPED, type AnnounceEvent } from './swarm.js';

/**
 * BEP 3 announce and BEP 48 scrape parameters, read from the raw query string.
 *
 * info_hash and peer_id are percent-encoded bytes: they are decoded byte by byte, never
 * through UTF-8 (which would turn a byte ≥ 0x80 into U+FFFD and change the length). A
 * character outside %XX is taken as the byte it is (Node gives the request line as
 * latin1), and '+' as a space, as form decoding and other trackers do.
 */

export interface AnnounceRequest {
  readonly ok: true;
  /** Lower-case hex of the 20-byte info-hash. */
  readonly infoHashHex: string;
  /** The 20 bytes of the peer id as a latin1 string (one char per byte). */
  readonly peerId: string;
  readonly port: number;
  /** left=0 */
  readonly seeder: boolean;
  readonly event: AnnounceEvent;
  /** Clamped to [0, limits.maxNumwant]; the default when absent or negative. */
  readonly numwant: number;
  /** BEP 23: compact unless compact=0 (advisory, but honoured). */
  readonly compact: boolean;
  /** no_peer_id=1: leave `peer id` out of non-compact dictionaries. */
  readonly noPeerId: boolean;
}

export interface ScrapeRequest {
  readonly ok: true;
  readonly infoHashesHex: readonly string[];
}

export interface QueryLimits {
  readonly maxQueryLength: number;
  readonly defaultNumwant: number;
  readonly maxNumwant: number;
  readonly maxScrapeHashes: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxQueryLength: 8192, defaultNumwant: 50, maxNumwant: 200, maxScrapeHashes: 100 };

const SCRATCH = Buffer.allocUnsafe(21);

/**
 * Percent-decodes url[start, end) into SCRATCH; returns the byte count, -1 on a broken
 * escape, or SCRATCH.length when the value is longer than 20 bytes.
 */
function decodeBinary(url: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    if (n === SCRATCH.length) return n;
    let c = url.charCodeAt(i);
    if (c === 0x25 /* % */) {
      if (i + 2 >= end) return -1;
      const hi = hexValue(url.charCodeAt(i + 1));
      const lo = hexValue(url.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) return -1;
      c = (hi << 4) | lo;
      i += 2;
    } else if (c === 0x2b /* + */) {
      c = 0x20;
    } else if (c > 0xff) {
      return -1;
    }
    SCRATCH[n++] = c;
  }
  return n;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** A text parameter (numbers, event): percent-decoding only when there is something to decode. */
function decodeText(url: string, start: number, end: number): string | null {
  const raw = url.slice(start, end);
  if (raw.indexOf('%') < 0 && raw.indexOf('+') < 0) return raw;
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/** Parameters this tracker reads; any other (key, trackerid, ip, corrupt, …) is ignored. */
const enum Param {
  None = -1,
  InfoHash,
  PeerId,
  Port,
  Uploaded,
  Downloaded,
  Left,
  Event,
  Numwant,
  Compact,
  NoPeerId,
}

const NAMES = ['info_hash', 'peer_id', 'port', 'uploaded', 'downloaded', 'left', 'event', 'numwant', 'compact', 'no_peer_id'];
const REQUIRED = [Param.InfoHash, Param.PeerId, Param.Port, Param.Uploaded, Param.Downloaded, Param.Left];

/** Which parameter url[start, start + length) names, without slicing it (this runs for every announce). */
function paramAt(url: string, start: number, length: number): Param {
  let candidate: Param;
  switch (length) {
    case 4:
      candidate = url.charCodeAt(start) === 0x70 /* p */ ? Param.Port : Param.Left;
      break;
    case 5:
      candidate = Param.Event;
      break;
    case 7:
      candidate = url.charCodeAt(start) === 0x70 ? Param.PeerId : url.charCodeAt(start) === 0x6e /* n */ ? Param.Numwant : Param.Compact;
      break;
    case 8:
      candidate = Param.Uploaded;
      break;
    case 9:
      candidate = Param.InfoHash;
      break;
    case 10:
      candidate = url.charCodeAt(start) === 0x64 /* d */ ? Param.Downloaded : Param.NoPeerId;
      break;
    default:
      return Param.None;
  }
  return url.startsWith(NAMES[candidate], start) ? candidate : Param.None;
}

const MAX_DIGITS = 20; // uint64

/**
 * The value of a decimal parameter: url[start, end) if it is only digits, else its
 * percent-decoding if that is only digits (rare: nobody escapes digits). -1 when not a
 * non-negative integer of at most 20 digits; values beyond 2^53 come back inexact, which
 * only matters for "is it zero" (exact) and range checks (still out of range).
 */
function decimal(url: string, start: number, end: number): number {
  if (end === start || end - start > MAX_DIGITS) return end - start > MAX_DIGITS ? escapedDecimal(url, start, end) : -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = url.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return escapedDecimal(url, start, end);
    value = value * 10 + c;
  }
  return value;
}

function escapedDecimal(url: string, start: number, end: number): number {
  const text = decodeText(url, start, end);
  if (text === null || text.length === 0 || text.length > MAX_DIGITS || !/^[0-9]+$/.test(text) || text === url.slice(start, end)) return -1;
  return Number(text);
}

export function parseAnnounceQuery(url: string, limits: QueryLimits = DEFAULT_QUERY_LIMITS): AnnounceRequest | TrackerFailure {
  const query = url.indexOf('?');
  if (url.length - query > limits.maxQueryLength) return failure('requestTooLong', `query string longer than ${limits.maxQueryLength} bytes`);
  if (query < 0) return failure('missingParameter', 'missing info_hash');
  let seen = 0;
  let infoHashHex = '';
  let peerId = '';
  let port = 0;
  let seeder = false;
  let event: AnnounceEvent = EVENT_NONE;
  let numwant = limits.defaultNumwant;
  let compact = true;
  let noPeerId = false;
  const length = url.length;
  let start = query + 1;
  while (start <= length) {
    let end = url.indexOf('&', start);
    if (end < 0) end = length;
    let keyEnd = start;
    while (keyEnd < end && url.charCodeAt(keyEnd) !== 0x3d /* = */) keyEnd++;
    const param = paramAt(url, start, keyEnd - start);
    if (param !== Param.None) {
      if (seen & (1 << param)) return failure('duplicateParameter', `${NAMES[param]} given twice`);
      seen |= 1 << param;
      const valueStart = keyEnd === end ? end : keyEnd + 1;
      switch (param) {
        case Param.InfoHash: {
          const n = decodeBinary(url, valueStart, end);
          if (n !== 20) return failure('invalidInfoHash', n < 0 ? 'info_hash is not valid percent-encoding' : `info_hash must be 20 bytes (got ${n > 20 ? 'more' : n})`);
          infoHashHex = SCRATCH.toString('hex', 0, 20);
          break;
        }
        case Param.PeerId: {
          const n = decodeBinary(url, valueStart, end);
          if (n !== 20) return failure('invalidPeerId', n < 0 ? 'peer_id is not valid percent-encoding' : `peer_id must be 20 bytes (got ${n > 20 ? 'more' : n})`);
          peerId = SCRATCH.toString('latin1', 0, 20);
          break;
        }
        case Param.Port: {
          const value = decimal(url, valueStart, end);
          if (value < 1 || value > 65535) return failure('invalidPort', 'port must be a number from 1 to 65535');
          port = value;
          break;
        }
        case Param.Uploaded:
        case Param.Downloaded:
        case Param.Left: {
          const value = decimal(url, valueStart, end);
          if (value < 0) return failure('invalidAmount', `${NAMES[param]} must be a non-negative integer (bytes)`);
          if (param === Param.Left) seeder = value === 0;
          break;
        }
        case Param.Event: {
          const text = end - valueStart <= 16 ? decodeText(url, valueStart, end) : null;
          if (text === 'started') event = EVENT_STARTED;
          else if (text === 'completed') event = EVENT_COMPLETED;
          else if (text === 'stopped') event = EVENT_STOPPED;
          else if (text !== '' && text !== 'empty') return failure('invalidEvent', 'event must be started, completed, stopped or empty');
          break;
        }
        case Param.Numwant: {
          // Huge values are clamped, negative ones (-1: "default", as in BEP 15) take the default.
          const negative = url.charCodeAt(valueStart) === 0x2d /* - */;
          const digitsStart = negative ? valueStart + 1 : valueStart;
          const value = end - digitsStart > MAX_DIGITS ? (/^[0-9]+$/.test(url.slice(digitsStart, end)) ? Infinity : -1) : decimal(url, digitsStart, end);
          if (value < 0) return failure('invalidNumwant', 'numwant must be an integer');
          if (!negative) numwant = Math.min(value, limits.maxNumwant);
          break;
        }
        case Param.Compact:
          compact = !(end - valueStart === 1 && url.charCodeAt(valueStart) === 0x30);
          break;
        case Param.NoPeerId:
          noPeerId = end - valueStart === 1 && url.charCodeAt(valueStart) === 0x31;
          break;
      }
    }
    start = end + 1;
  }
  for (const param of REQUIRED) {
    if ((seen & (1 << param)) === 0) return failure('missingParameter', `missing ${NAMES[param]}`);
  }
  return { ok: true, infoHashHex, peerId, port, seeder, event, numwant, compact, noPeerId };
}

/** BEP 48: one or more info_hash parameters; every other parameter is ignored. */
export function parseScrapeQuery(url: string, limits: QueryLimits = DEFAULT_QUERY_LIMITS): ScrapeRequest | TrackerFailure {
  const query = url.indexOf('?');
  if (url.length - query > limits.maxQueryLength) return failure('requestTooLong', `query string longer than ${limits.maxQueryLength} bytes`);
  const hashes: string[] = [];
  if (query >= 0) {
    let start = query + 1;
    while (start <= url.length) {
      let end = url.indexOf('&', start);
      if (end < 0) end = url.length;
      if (url.startsWith('info_hash=', start) && start + 10 <= end) {
        const n = decodeBinary(url, start + 10, end);
        if (n !== 20) return failure('invalidInfoHash', n < 0 ? 'info_hash is not valid percent-encoding' : `info_hash must be 20 bytes (got ${n > 20 ? 'more' : n})`);
        if (hashes.length === limits.maxScrapeHashes) return failure('tooManyInfoHashes', `at most ${limits.maxScrapeHashes} info_hash per scrape`);
        const hex = SCRATCH.toString('hex', 0, 20);
        if (!hashes.includes(hex)) hashes.push(hex);
      }
      start = end + 1;
    }
  }
  if (hashes.length === 0) return FULL_SCRAPE_REFUSED;
  return { ok: true, infoHashesHex: hashes };
}

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

const DIGITS = /^[0-9]{1,20}$/;
const SIGNED = /^-?[0-9]+$/;

/** Parameters this tracker reads; any other (key, trackerid, ip, corrupt, …) is ignored. */
const enum Param {
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

const PARAMS: ReadonlyMap<string, Param> = new Map([
  ['info_hash', Param.InfoHash],
  ['peer_id', Param.PeerId],
  ['port', Param.Port],
  ['uploaded', Param.Uploaded],
  ['downloaded', Param.Downloaded],
  ['left', Param.Left],
  ['event', Param.Event],
  ['numwant', Param.Numwant],
  ['compact', Param.Compact],
  ['no_peer_id', Param.NoPeerId],
]);

const REQUIRED: ReadonlyArray<[Param, string]> = [
  [Param.InfoHash, 'info_hash'],
  [Param.PeerId, 'peer_id'],
  [Param.Port, 'port'],
  [Param.Uploaded, 'uploaded'],
  [Param.Downloaded, 'downloaded'],
  [Param.Left, 'left'],
];

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
  let start = query + 1;
  while (start <= url.length) {
    let end = url.indexOf('&', start);
    if (end < 0) end = url.length;
    const eq = url.indexOf('=', start);
    const keyEnd = eq >= 0 && eq < end ? eq : end;
    const param = PARAMS.get(url.slice(start, keyEnd));
    if (param !== undefined) {
      if (seen & (1 << param)) return failure('duplicateParameter', `${url.slice(start, keyEnd)} given twice`);
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
          const text = decodeText(url, valueStart, end);
          const value = text !== null && text.length <= 5 && DIGITS.test(text) ? Number(text) : 0;
          if (value < 1 || value > 65535) return failure('invalidPort', 'port must be a number from 1 to 65535');
          port = value;
          break;
        }
        case Param.Uploaded:
        case Param.Downloaded:
        case Param.Left: {
          const text = decodeText(url, valueStart, end);
          if (text === null || !DIGITS.test(text)) {
            return failure('invalidAmount', `${url.slice(start, keyEnd)} must be a non-negative integer (bytes)`);
          }
          if (param === Param.Left) seeder = /^0+$/.test(text);
          break;
        }
        case Param.Event: {
          const text = decodeText(url, valueStart, end);
          if (text === 'started') event = EVENT_STARTED;
          else if (text === 'completed') event = EVENT_COMPLETED;
          else if (text === 'stopped') event = EVENT_STOPPED;
          else if (text !== '' && text !== 'empty') return failure('invalidEvent', 'event must be started, completed, stopped or empty');
          break;
        }
        case Param.Numwant: {
          const text = decodeText(url, valueStart, end);
          if (text === null || !SIGNED.test(text)) return failure('invalidNumwant', 'numwant must be an integer');
          // Huge values are clamped, negative ones (-1: "default", as in BEP 15) take the default.
          if (text[0] !== '-') numwant = text.length > 9 ? limits.maxNumwant : Math.min(Number(text), limits.maxNumwant);
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
  for (const [param, name] of REQUIRED) {
    if ((seen & (1 << param)) === 0) return failure('missingParameter', `missing ${name}`);
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

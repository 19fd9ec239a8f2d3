import { createHash } from 'node:crypto';
import { bdecode, bencode, type Decoded } from './bencode.js';
import { nameProblem, trackerProblem, urlListProblem, webSeedProblem } from './fields.js';
import { isValidPieceLength, pieceCount } from './piece-length.js';

/** Why bytes are not one of our torrents. Codes are stable; reasons may be reworded. */
export type TorrentErrorCode =
  | 'tooLarge'
  | 'notBencode'
  | 'wrongType'
  | 'missingField'
  | 'unexpectedField'
  | 'multiFile'
  | 'badText'
  | 'badName'
  | 'badLength'
  | 'badPieceLength'
  | 'badPieces'
  | 'badUrl';

export interface TorrentReadError {
  readonly ok: false;
  readonly code: TorrentErrorCode;
  readonly reason: string;
}

export interface ParsedTorrent {
  readonly infoHash: string;
  readonly infoHashBuffer: Buffer;
  readonly name: string;
  readonly length: number;
  readonly pieceLength: number;
  readonly pieceCount: number;
  /** 20 bytes per piece. */
  readonly pieces: Buffer;
  /** Trackers, tiers flattened in order (ours have one tracker per tier). */
  readonly announce: readonly string[];
  /** BEP 19 web seeds. */
  readonly urlList: readonly string[];
  readonly private: boolean;
  readonly creationDate?: Date;
  readonly createdBy?: string;
  readonly comment?: string;
}

export type ReadTorrentResult = { readonly ok: true; readonly torrent: ParsedTorrent } | TorrentReadError;

/**
 * ~800 GiB of video in 4 MiB pieces; our own torrents are far smaller. Checked before
 * decoding, so a hostile upload costs no parsing.
 */
export const DEFAULT_MAX_TORRENT_BYTES = 4 * 1024 * 1024;

const INFO_KEYS = new Set(['length', 'name', 'piece length', 'pieces', 'private']);

/**
 * Reads a single-file torrent of the kind `buildTorrent` writes, strictly: canonical
 * bencode, the info dictionary holding exactly our keys with the right types and a piece
 * list that fits the length. Keys outside `info` that we do not know are ignored (the
 * info-hash does not cover them and clients add their own). Never throws on bad bytes:
 * returns `{ ok: false, code, reason }`.
 */
export function readTorrent(input: Uint8Array, options: { maxBytes?: number } = {}): ReadTorrentResult {
  if (!(input instanceof Uint8Array)) return fail('wrongType', 'a torrent must be bytes');
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_TORRENT_BYTES;
  if (input.length > maxBytes) return fail('tooLarge', `${input.length} bytes is more than the ${maxBytes} allowed for a torrent`);
  const decoded = bdecode(input);
  if (!decoded.ok) return fail('notBencode', `not canonical bencode: ${decoded.reason}`);
  try {
    return { ok: true, torrent: interpret(decoded.value) };
  } catch (error) {
    if (error instanceof Refusal) return fail(error.code, error.message);
    throw error;
  }
}

function interpret(root: Decoded): ParsedTorrent {
  const top = dict(root, 'the torrent');
  const info = dict(required(top, 'info', 'the torrent'), 'info');
  if (info.has('files')) refuse('multiFile', 'a multi-file torrent (info.files): ours hold one file');
  for (const key of info.keys()) {
    if (!INFO_KEYS.has(key)) refuse('unexpectedField', `info has a key we never write: ${JSON.stringify(key)}`);
  }

  const name = text(required(info, 'name', 'info'), 'info.name');
  const nameIssue = nameProblem(name);
  if (nameIssue) refuse('badName', nameIssue);

  const pieceLength = integer(required(info, 'piece length', 'info'), 'info["piece length"]');
  if (!isValidPieceLength(pieceLength)) refuse('badPieceLength', `piece length ${pieceLength} is not a power of two from 16 KiB to 16 MiB`);

  const length = integer(required(info, 'length', 'info'), 'info.length');
  if (length <= 0) refuse('badLength', `length ${length}: a torrent holds at least one byte`);

  const pieces = bytes(required(info, 'pieces', 'info'), 'info.pieces');
  if (pieces.length % 20 !== 0) refuse('badPieces', `pieces is ${pieces.length} bytes, not a whole number of 20-byte hashes`);
  const count = pieceCount(length, pieceLength);
  if (pieces.length !== count * 20) refuse('badPieces', `${pieces.length / 20} piece hashes for ${length} bytes in ${pieceLength}-byte pieces (${count} expected)`);

  let isPrivate = false;
  const privateFlag = info.get('private');
  if (privateFlag !== undefined) {
    const flag = integer(privateFlag, 'info.private');
    if (flag !== 0 && flag !== 1) refuse('wrongType', `info.private is ${flag}, not 0 or 1`);
    isPrivate = flag === 1;
  }

  const encoding = top.get('encoding');
  if (encoding !== undefined && text(encoding, 'encoding').toUpperCase() !== 'UTF-8') {
    refuse('badText', 'text encodings other than UTF-8 are not read');
  }

  const announce = trackers(top);
  const urlList = webSeeds(top);
  const creationDate = top.has('creation date') ? new Date(integer(top.get('creation date')!, '"creation date"') * 1000) : undefined;
  const createdBy = top.has('created by') ? text(top.get('created by')!, '"created by"') : undefined;
  const comment = top.has('comment') ? text(top.get('comment')!, 'comment') : undefined;

  // Decoding was canonical and every info key is known, so this is the original bytes.
  const infoHashBuffer = createHash('sha1').update(bencode(info)).digest();
  return {
    infoHash: infoHashBuffer.toString('hex'),
    infoHashBuffer,
    name,
    length,
    pieceLength,
    pieceCount: count,
    pieces,
    announce,
    urlList,
    private: isPrivate,
    ...(creationDate && { creationDate }),
    ...(createdBy !== undefined && { createdBy }),
    ...(comment !== undefined && { comment }),
  };
}

/** BEP 12: `announce-list` (tiers) wins when present; `announce` alone otherwise. */
function trackers(top: Map<string, Decoded>): string[] {
  const single = top.has('announce') ? text(top.get('announce')!, 'announce') : undefined;
  const tiers = top.get('announce-list');
  let urls: string[];
  if (tiers === undefined) {
    urls = single === undefined ? [] : [single];
  } else {
    urls = list(tiers, '"announce-list"').flatMap((tier, i) => {
      const urlsInTier = list(tier, `"announce-list"[${i}]`).map((url, j) => text(url, `"announce-list"[${i}][${j}]`));
      if (urlsInTier.length === 0) refuse('badUrl', `"announce-list"[${i}] is an empty tier`);
      return urlsInTier;
    });
    if (single !== undefined && single !== urls[0]) refuse('badUrl', 'announce is not the first tracker of announce-list');
  }
  const problem = urlListProblem(urls, trackerProblem);
  if (problem) refuse('badUrl', problem);
  return urls;
}

/** BEP 19 allows one URL as a plain string; some clients write an empty string for none. */
function webSeeds(top: Map<string, Decoded>): string[] {
  const value = top.get('url-list');
  let urls: string[];
  if (value === undefined) urls = [];
  else if (Buffer.isBuffer(value)) urls = value.length === 0 ? [] : [text(value, '"url-list"')];
  else urls = list(value, '"url-list"').map((url, i) => text(url, `"url-list"[${i}]`));
  const problem = urlListProblem(urls, webSeedProblem);
  if (problem) refuse('badUrl', problem);
  return urls;
}

class Refusal extends Error {
  constructor(
    readonly code: TorrentErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function refuse(code: TorrentErrorCode, reason: string): never {
  throw new Refusal(code, reason);
}

function fail(code: TorrentErrorCode, reason: string): TorrentReadError {
  return { ok: false, code, reason };
}

function required(map: Map<string, Decoded>, key: string, where: string): Decoded {
  const value = map.get(key);
  if (value === undefined) refuse('missingField', `${where} has no ${JSON.stringify(key)}`);
  return value;
}

function dict(value: Decoded, what: string): Map<string, Decoded> {
  if (!(value instanceof Map)) refuse('wrongType', `${what} is not a dictionary`);
  return value;
}

function list(value: Decoded, what: string): Decoded[] {
  if (!Array.isArray(value)) refuse('wrongType', `${what} is not a list`);
  return value;
}

function bytes(value: Decoded, what: string): Buffer {
  if (!Buffer.isBuffer(value)) refuse('wrongType', `${what} is not a byte string`);
  return value;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function text(value: Decoded, what: string): string {
  const raw = bytes(value, what);
  try {
    return utf8.decode(raw);
  } catch {
    return refuse('badText', `${what} is not valid UTF-8`);
  }
}

function integer(value: Decoded, what: string): number {
  if (typeof value !== 'bigint') refuse('wrongType', `${what} is not an integer`);
  if (value < BigInt(Number.MIN_SAFE_INTEGER) || value > BigInt(Number.MAX_SAFE_INTEGER)) refuse('wrongType', `${what} is out of range`);
  return Number(value);
}

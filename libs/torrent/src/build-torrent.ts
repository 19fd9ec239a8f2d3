import { createHash } from 'node:crypto';
import { bencode, type BValue } from './bencode.js';
import { nameProblem, trackerProblem, urlListProblem, webSeedProblem } from './fields.js';
import { assertPieceLength, pieceCount } from './piece-length.js';

export interface TorrentInput {
  /** The file name peers save under (one path segment, at most 255 UTF-8 bytes). */
  readonly name: string;
  readonly length: number;
  readonly pieceLength: number;
  /** 20-byte SHA-1s, one per piece (`PieceHasher.finish().pieces`). */
  readonly pieces: Uint8Array;
  /** Trackers, one per tier (BEP 12); the first is also `announce`. May be empty (DHT, web seeds). */
  readonly announce: readonly string[];
  /** BEP 19 web seeds: http(s) URLs of the whole file. */
  readonly urlList: readonly string[];
  readonly createdBy?: string;
  /** Defaults to now; written in whole seconds, rounded up as create-torrent does. */
  readonly creationDate?: Date;
  readonly comment?: string;
  /**
   * Pod torrents are public. `false` writes `private: 0` into the info dictionary, as
   * create-torrent does for `private: false`: it changes the info-hash, so only pass it
   * to match a torrent made that way.
   */
  readonly private?: false;
}

export interface BuiltTorrent {
  /** The .torrent file. */
  readonly torrent: Buffer;
  /** 40 lowercase hex digits. */
  readonly infoHash: string;
  readonly infoHashBuffer: Buffer;
}

/**
 * A single-file .torrent (BEP 3, 12, 19), byte for byte what create-torrent 6 writes for
 * the same file and options (so the info-hash is the one WebTorrent computes), except
 * that an empty `urlList` writes no `url-list` key rather than an empty list. Throws a
 * RangeError on inputs that would make a torrent no client can use.
 */
export function buildTorrent(input: TorrentInput): BuiltTorrent {
  const problem = inputProblem(input);
  if (problem) throw new RangeError(`buildTorrent: ${problem}`);

  const info: Record<string, BValue> = {
    length: input.length,
    name: input.name,
    'piece length': input.pieceLength,
    pieces: input.pieces,
  };
  if (input.private === false) info.private = 0;
  const infoHashBuffer = createHash('sha1').update(bencode(info)).digest();

  const milliseconds = (input.creationDate ?? new Date()).getTime();
  const torrent: Record<string, BValue> = {
    info,
    'creation date': Math.ceil(milliseconds / 1000),
    encoding: 'UTF-8',
  };
  if (input.announce.length > 0) {
    torrent.announce = input.announce[0];
    torrent['announce-list'] = input.announce.map((url) => [url]);
  }
  if (input.urlList.length > 0) torrent['url-list'] = [...input.urlList];
  if (input.comment !== undefined) torrent.comment = input.comment;
  if (input.createdBy !== undefined) torrent['created by'] = input.createdBy;

  return { torrent: bencode(torrent), infoHash: infoHashBuffer.toString('hex'), infoHashBuffer };
}

function inputProblem(input: TorrentInput): string | null {
  const name = nameProblem(input.name);
  if (name) return name;
  if (!Number.isSafeInteger(input.length) || input.length <= 0) {
    return `length must be a positive integer, got ${input.length} (a zero-length file cannot be a torrent)`;
  }
  assertPieceLength(input.pieceLength, 'buildTorrent');
  const expected = 20 * pieceCount(input.length, input.pieceLength);
  if (!(input.pieces instanceof Uint8Array) || input.pieces.length !== expected) {
    return `pieces must be ${expected} bytes (20 per piece of ${input.length} bytes in ${input.pieceLength}-byte pieces), got ${input.pieces?.length}`;
  }
  if (input.private !== undefined && input.private !== false) return 'private torrents are not supported';
  if (input.creationDate !== undefined && Number.isNaN(input.creationDate.getTime())) return 'creationDate is an invalid Date';
  for (const text of [input.comment, input.createdBy]) {
    if (text !== undefined && /\p{Cs}/u.test(text)) return 'comment and createdBy must be valid Unicode';
  }
  return urlListProblem(input.announce, trackerProblem) ?? urlListProblem(input.urlList, webSeedProblem);
}

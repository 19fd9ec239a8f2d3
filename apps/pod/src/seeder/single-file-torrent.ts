import { createHash } from 'node:crypto';
import { bdecode, bencode, type Decoded } from '../../../../libs/tracker/src/bencode.js';
import { SeedError } from './seed-error.js';

/** What the seeder needs to know about a .torrent before handing it to webtorrent. */
export interface SingleFileTorrent {
  /** Lower-case hex SHA-1 of the bencoded info dictionary. */
  readonly infoHash: string;
  readonly name: string;
  readonly length: number;
  readonly pieceLength: number;
  readonly pieceCount: number;
}

/**
 * Reads a single-file BitTorrent v1 metainfo file, strictly. Checked here rather than left
 * to webtorrent so that a bad torrent is refused before anything is added to the client:
 * webtorrent parses asynchronously and reports problems as client events, after the
 * torrent is already registered. The decoder only accepts canonical bencoding, so
 * re-encoding the info dictionary gives back its exact bytes and thus the info-hash.
 */
export function readSingleFileTorrent(bytes: Uint8Array): SingleFileTorrent {
  const decoded = bdecode(bytes);
  if (!decoded.ok) throw invalid(`not canonical bencoding (${decoded.reason})`);
  const root = decoded.value;
  if (!(root instanceof Map)) throw invalid('not a dictionary');
  const info = root.get('info');
  if (!(info instanceof Map)) throw invalid('no info dictionary');
  if (info.has('files')) throw new SeedError('multiFileTorrent', 'the torrent describes several files; a video torrent has one');

  const name = text(info.get('name'), 'name');
  if (name === '' || name.includes('/') || name.includes('\\') || name === '.' || name === '..') {
    throw invalid(`unusable name ${JSON.stringify(name)}`);
  }
  const length = integer(info.get('length'), 'length');
  const pieceLength = integer(info.get('piece length'), 'piece length');
  if (length === 0) throw invalid('the file is empty');
  if (pieceLength === 0) throw invalid('piece length is 0');
  const pieces = info.get('pieces');
  if (!Buffer.isBuffer(pieces)) throw invalid('pieces is not a byte string');
  const pieceCount = Math.ceil(length / pieceLength);
  if (pieces.length !== pieceCount * 20) {
    throw invalid(`${pieces.length / 20} piece hashes for ${pieceCount} pieces of ${pieceLength} bytes`);
  }
  const infoHash = createHash('sha1').update(bencode(info)).digest('hex');
  return { infoHash, name, length, pieceLength, pieceCount };
}

function text(value: Decoded | undefined, field: string): string {
  if (!Buffer.isBuffer(value)) throw invalid(`${field} is not a byte string`);
  const decoded = value.toString('utf8');
  // A name that is not UTF-8 cannot equal a file name we were given as a JS string.
  if (!Buffer.from(decoded, 'utf8').equals(value)) throw invalid(`${field} is not UTF-8`);
  return decoded;
}

function integer(value: Decoded | undefined, field: string): number {
  if (typeof value !== 'bigint') throw invalid(`${field} is not an integer`);
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) throw invalid(`${field} is out of range`);
  return Number(value);
}

function invalid(reason: string): SeedError {
  return new SeedError('invalidTorrent', `invalid torrent: ${reason}`);
}

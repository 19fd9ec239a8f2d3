import { readTorrent } from '@swarmtube/torrent';
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
 * Reads a .torrent with libs/torrent's reader (the one that checks what buildTorrent writes)
 * and says why in the seeder's terms. Checked here rather than left to webtorrent so that a
 * bad torrent is refused before anything is added to the client: webtorrent parses
 * asynchronously and reports problems as client events, after the torrent is registered.
 */
export function readSingleFileTorrent(bytes: Uint8Array): SingleFileTorrent {
  const read = readTorrent(bytes);
  if (!read.ok) {
    if (read.code === 'multiFile') throw new SeedError('multiFileTorrent', 'the torrent describes several files; a video torrent has one');
    throw new SeedError('invalidTorrent', `invalid torrent: ${read.reason}`);
  }
  const { infoHash, name, length, pieceLength, pieceCount } = read.torrent;
  return { infoHash, name, length, pieceLength, pieceCount };
}

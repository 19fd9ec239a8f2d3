export { choosePieceLength, MIN_PIECE_LENGTH, MAX_PIECE_LENGTH, DEFAULT_MAX_PIECE_LENGTH } from './piece-length.js';
export { PieceHasher, hashingTap, type PieceList } from './piece-hasher.js';
export { hashFile } from './hash-file.js';
export { buildTorrent, type TorrentInput, type BuiltTorrent } from './build-torrent.js';
export { magnetUri, type MagnetInput } from './magnet.js';
export {
  readTorrent,
  DEFAULT_MAX_TORRENT_BYTES,
  type ReadTorrentResult,
  type ParsedTorrent,
  type TorrentReadError,
  type TorrentErrorCode,
} from './read-torrent.js';
export { bencode, bdecode, type BValue, type BDict, type Decoded, type DecodeResult } from './bencode.js';
export * from './test-support.js';

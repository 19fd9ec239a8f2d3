/**
 * Piece lengths, chosen as WebTorrent's create-torrent 6 chooses them, so a pod's torrents
 * look like any WebTorrent torrent of the same size (and a torrent made elsewhere from the
 * same file with default settings has the same info-hash).
 */

export const KIB = 1024;
export const MIB = 1024 * KIB;

/** BEP 52's floor, and the block size every peer requests: a smaller piece is all overhead. */
export const MIN_PIECE_LENGTH = 16 * KIB;
/** create-torrent's default `maxPieceLength`: past ~6 GB files get more pieces, not bigger ones. */
export const DEFAULT_MAX_PIECE_LENGTH = 4 * MIB;
/**
 * The largest piece we write or read. A peer holds a whole piece before it can check it,
 * so a bound keeps hostile torrents from asking for huge buffers; 4x create-torrent's cap.
 */
export const MAX_PIECE_LENGTH = 16 * MIB;

/**
 * The piece length for a file of about `expectedBytes` (an upper bound is fine: the
 * request's Content-Length). The rule of the `piece-length` package that create-torrent
 * uses: the power of two nearest (in log scale) to size / 1024, at least 16 KiB, at most
 * 4 MiB. That gives ~724 to ~1,448 pieces between 16 MB and 6 GB, fewer below, more above.
 *
 * One divergence, on purpose: at 2^40.5 bytes (~1.5 TiB) and above, piece-length's
 * `1 << n` overflows and create-torrent falls back to 16 KiB pieces; we keep 4 MiB.
 */
export function choosePieceLength(expectedBytes: number): number {
  if (!Number.isSafeInteger(expectedBytes) || expectedBytes < 0) {
    throw new RangeError(`choosePieceLength: expected a byte count, got ${expectedBytes}`);
  }
  const kib = expectedBytes < KIB ? 1 : expectedBytes / KIB;
  const exponent = Math.floor(Math.log2(kib) + 0.5);
  if (exponent >= Math.log2(DEFAULT_MAX_PIECE_LENGTH)) return DEFAULT_MAX_PIECE_LENGTH;
  return Math.max(MIN_PIECE_LENGTH, 2 ** exponent);
}

/** Throws unless `pieceLength` is a power of two within [16 KiB, 16 MiB]. */
export function assertPieceLength(pieceLength: number, where: string): void {
  if (!isValidPieceLength(pieceLength)) {
    throw new RangeError(`${where}: piece length must be a power of two from 16 KiB to 16 MiB, got ${pieceLength}`);
  }
}

export function isValidPieceLength(pieceLength: number): boolean {
  return (
    Number.isSafeInteger(pieceLength) &&
    pieceLength >= MIN_PIECE_LENGTH &&
    pieceLength <= MAX_PIECE_LENGTH &&
    (pieceLength & (pieceLength - 1)) === 0
  );
}

/** How many pieces a file of `length` bytes has. */
export function pieceCount(length: number, pieceLength: number): number {
  return Math.ceil(length / pieceLength);
}

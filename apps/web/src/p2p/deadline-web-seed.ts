import type { PieceRange } from './deadline-fetch';

/**
 * Fetches a run of pieces from a web seed in one HTTP range request and hands each piece to
 * webtorrent as soon as its bytes are in and its SHA-1 matches the torrent's, so the player
 * gets the first piece before the range ends. See deadline-fetch.ts for when and what.
 *
 * webtorrent has no public way to add a piece obtained elsewhere, and its own web seed asks
 * for one piece (16 KiB here) per HTTP request and takes any piece the picker gives it. So the
 * piece is put the way webtorrent puts a verified piece (lib/torrent.js, after hashing): into
 * the store, then `_markVerified` (the file streams wait for its 'verified' event), `have` to
 * every wire (peers may fetch it from this viewer), `_checkDone`, `_update`. docs/adr says why.
 */

/** The part of webtorrent's Torrent (3.0.21, lib/torrent.js) this writes through. */
export interface WritableTorrent {
  readonly destroyed: boolean;
  readonly pieceLength: number;
  readonly length: number;
  readonly bitfield: { get(index: number): boolean };
  /** bittorrent-protocol's wires: `requests` are the blocks asked of that peer and not received yet. */
  readonly wires: ReadonlyArray<{ have(index: number): void; readonly requests?: ReadonlyArray<{ piece: number }> }>;
  readonly store: { put(index: number, buffer: Uint8Array, callback: (error?: Error | null) => void): void };
  _markVerified(index: number): void;
  _checkDone(): boolean;
  _update(): void;
}

/** The 20-byte SHA-1 of each piece, from the .torrent's info dict (`6:pieces<n>:`). */
export function pieceHashes(torrentFile: Uint8Array): Uint8Array | null {
  const text = new TextDecoder('latin1').decode(torrentFile);
  const match = /6:pieces(\d+):/.exec(text);
  if (!match) return null;
  const start = match.index + match[0].length;
  const length = Number(match[1]);
  if (length % 20 !== 0 || start + length > torrentFile.length) return null;
  return torrentFile.subarray(start, start + length);
}

export class DeadlineWebSeed {
  /** A fetch is running: one at a time, so a tick never stacks ranges. */
  busy = false;

  constructor(
    private readonly torrent: WritableTorrent,
    private readonly url: string,
    private readonly hashes: Uint8Array,
    private readonly onBytes: (bytes: number) => void,
    private readonly onRequest: () => void,
  ) {}

  /**
   * Fetches pieces [from, to) and writes those that verify; resolves when the response ended,
   * or at a piece boundary once `stillNeeded()` says the peers keep up again (the rest of the
   * response is cancelled).
   */
  async fetch(range: PieceRange, signal: AbortSignal, stillNeeded: () => boolean = () => true): Promise<void> {
    if (this.busy || range.to <= range.from) return;
    this.busy = true;
    try {
      const { pieceLength, length } = this.torrent;
      const start = range.from * pieceLength;
      const end = Math.min(length, range.to * pieceLength) - 1;
      this.onRequest();
      const response = await fetch(this.url, { headers: { range: `bytes=${start}-${end}` }, cache: 'no-store', signal });
      if (response.status !== 206 || !response.body) throw new Error(`web seed answered ${response.status} to a range request`);
      const reader = response.body.getReader();
      let index = range.from;
      let piece = new Uint8Array(this.lengthOf(index));
      let filled = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.onBytes(value.length);
        let offset = 0;
        while (offset < value.length && index < range.to) {
          const take = Math.min(piece.length - filled, value.length - offset);
          piece.set(value.subarray(offset, offset + take), filled);
          filled += take;
          offset += take;
          if (filled === piece.length) {
            await this.write(index, piece);
            index++;
            if (index < range.to) piece = new Uint8Array(this.lengthOf(index));
            filled = 0;
          }
        }
        if (index >= range.to || !stillNeeded()) {
          await reader.cancel().catch(() => undefined);
          break;
        }
      }
    } finally {
      this.busy = false;
    }
  }

  private lengthOf(index: number): number {
    const { pieceLength, length } = this.torrent;
    return Math.min(pieceLength, length - index * pieceLength);
  }

  private async write(index: number, piece: Uint8Array<ArrayBuffer>): Promise<void> {
    const torrent = this.torrent;
    if (torrent.destroyed || torrent.bitfield.get(index)) return;
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-1', piece));
    const expected = this.hashes.subarray(index * 20, index * 20 + 20);
    if (!digest.every((byte, i) => byte === expected[i])) throw new Error(`piece ${index} from the web seed does not match the torrent`);
    await new Promise<void>((resolve, reject) => torrent.store.put(index, piece, (error) => (error ? reject(error) : resolve())));
    // A peer may have delivered it meanwhile.
    if (torrent.destroyed || torrent.bitfield.get(index)) return;
    torrent._markVerified(index);
    for (const wire of torrent.wires) wire.have(index);
    torrent._checkDone();
    torrent._update();
  }
}

/**
 * The web seed for deadlines only: which bytes the page fetches over HTTP from the origin pod,
 * given how much video is buffered ahead of the playhead. Pure; deadline-web-seed.ts fetches
 * and hands the pieces to webtorrent.
 *
 * Buffered time decides, not the instantaneous rate. What is buffered is the larger of what
 * the media element holds ahead of the playhead and the run of pieces the page holds from the
 * playhead on (the element reads ahead only a little, the torrent may hold much more), in
 * seconds at the video's average bitrate. With `lowWaterSeconds` or more the page waits for
 * the peers, however slowly they deliver at the moment. Below it, it fetches the run of
 * missing pieces from the first one at or after the playhead, `fetchSeconds` of video (at
 * least `minBytes`, at most `maxBytes`): one HTTP range of many pieces, not one request per
 * 16 KiB piece as webtorrent's own web seed does. Pieces a peer is being asked for are left
 * to that peer (a capped seeder would otherwise send what the web seed also sends), unless
 * they are due within `criticalSeconds`. Before the first frame it waits
 * `startupMs` for the peers, then fetches only `startupSeconds`. Each tick decides again, and
 * a fetch stops at the next piece once the peers keep the buffer above the mark.
 */

export interface DeadlineOptions {
  /** Buffered seconds ahead of the playhead under which the page fetches. Default 2. */
  lowWaterSeconds?: number;
  /** Seconds of video fetched at once. Default 1.5. */
  fetchSeconds?: number;
  /** After the first frame, how long the buffer must stay under the mark before a fetch (TorrentPlayback). Default 500 ms. */
  confirmMs?: number;
  /** No first frame this long after the start: fetch the start. Default 1,000 ms. */
  startupMs?: number;
  /** Seconds of video fetched at once before the first frame. Default 1. */
  startupSeconds?: number;
  /** Pieces due within this many seconds are fetched even if a peer is being asked for them: it is late. Default 1. */
  criticalSeconds?: number;
  /** Bounds of one HTTP range. Defaults 64 KiB and 2 MiB. */
  minBytes?: number;
  maxBytes?: number;
}

export interface DeadlineState {
  pieceCount: number;
  pieceLength: number;
  /** The file's bytes (the last piece may be shorter). */
  length: number;
  /** Whether the page holds a piece (verified). */
  has(index: number): boolean;
  /** Whether a peer is being asked for it now (it will come from there unless the peer is too slow). */
  requested(index: number): boolean;
  /** Seconds, from the media element; NaN before its metadata. */
  currentTime: number;
  duration: number;
  /** Seconds buffered from the playhead on (0 when nothing is). */
  bufferedAhead: number;
  /** Playing, or about to (autoplay waiting for data); false when paused by the viewer or ended. */
  wantsToPlay: boolean;
  firstFrame: boolean;
  /** ms since the playback started. */
  elapsedMs: number;
}

/** Pieces [from, to) to fetch now, or null. */
export interface PieceRange {
  from: number;
  to: number;
  /** The buffer is under `criticalSeconds`: fetch at once. */
  urgent?: boolean;
}

export function planDeadlineFetch(state: DeadlineState, options: DeadlineOptions = {}): PieceRange | null {
  if (!state.wantsToPlay) return null;
  if (!state.firstFrame && state.elapsedMs < (options.startupMs ?? 1000)) return null;
  const duration = Number.isFinite(state.duration) && state.duration > 0 ? state.duration : null;
  const time = Number.isFinite(state.currentTime) ? state.currentTime : 0;
  // Bytes map to time only on average (a faststart MP4's index comes first, bitrates vary):
  // start a little before the playhead's estimated byte, from the first piece missing there.
  const playheadPiece = duration === null ? 0 : Math.max(0, Math.floor(((time / duration) * state.length) / state.pieceLength) - 2);
  let from = playheadPiece;
  while (from < state.pieceCount && state.has(from)) from++;
  if (from >= state.pieceCount) return null;
  const bitrate = duration === null ? 0 : state.length / duration;
  const held = bitrate > 0 ? Math.max(0, (from * state.pieceLength - (time / duration!) * state.length) / bitrate) : 0;
  if (Math.max(held, state.bufferedAhead) >= (options.lowWaterSeconds ?? 2)) return null;
  const seconds = state.firstFrame ? (options.fetchSeconds ?? 1.5) : (options.startupSeconds ?? 1);
  const wanted = Math.min(Math.max(seconds * bitrate, options.minBytes ?? 64 * 1024), options.maxBytes ?? 2 * 1024 * 1024);
  const pieces = Math.max(1, Math.ceil(wanted / state.pieceLength));
  const critical = options.criticalSeconds ?? 1;
  const playheadByte = duration === null ? 0 : (time / duration) * state.length;
  const due = (index: number) => (bitrate > 0 ? (index * state.pieceLength - playheadByte) / bitrate : 0);
  const free = (index: number) => !state.has(index) && (!state.requested(index) || due(index) < critical);
  // Left to the peers: what they are being asked for, within the next `pieces` pieces.
  const horizon = Math.min(state.pieceCount, from + pieces);
  while (from < horizon && !free(from)) from++;
  if (from >= horizon) return null;
  const limit = Math.min(state.pieceCount, from + pieces);
  let to = from;
  while (to < limit && free(to)) to++;
  return { from, to, urgent: Math.max(held, state.bufferedAhead) < critical };
}

/** Seconds buffered from `time` on, in a TimeRanges-like list (the range holding `time`; a small gap is allowed). */
export function bufferedAhead(ranges: { length: number; start(index: number): number; end(index: number): number }, time: number): number {
  for (let index = 0; index < ranges.length; index++) {
    if (ranges.start(index) <= time + 0.1 && ranges.end(index) > time) return ranges.end(index) - time;
  }
  return 0;
}

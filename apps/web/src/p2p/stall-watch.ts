/**
 * A stream that stops feeding the <video> element although the pieces it needs are already in
 * the page: seen once in about fifty viewers of the offload test (the element waiting at
 * readyState 2 with the whole file downloaded, for ever). Players nudge a stalled playhead
 * (hls.js's gap controller seeks a little ahead); here a seek makes the element ask the
 * streaming worker for a new range. A playhead waiting for pieces the peers have not delivered
 * is not a stalled stream: that is the deadline web seed's business (deadline-fetch.ts).
 */

/** HTMLMediaElement.HAVE_FUTURE_DATA: the element can play on. */
const HAVE_FUTURE_DATA = 3;

export interface StallInput {
  now: number;
  /** Played once, not paused, ended nor seeking: the viewer wants it to move. */
  wantsToPlay: boolean;
  readyState: number;
  currentTime: number;
  duration: number;
  pieceLength: number;
  length: number;
  has(index: number): boolean;
}

export class StallWatch {
  private since: number | null = null;
  nudges = 0;

  constructor(
    private readonly afterMs = 3_000,
    private readonly aheadSeconds = 2,
    private readonly stepSeconds = 0.1,
  ) {}

  /** Where to seek when the stream has stalled with the pieces at hand; null otherwise. */
  check(input: StallInput): number | null {
    if (!input.wantsToPlay || input.readyState >= HAVE_FUTURE_DATA || !(input.duration > 0)) {
      this.since = null;
      return null;
    }
    this.since ??= input.now;
    if (input.now - this.since < this.afterMs || !piecesAt(input, input.currentTime, input.currentTime + this.aheadSeconds)) return null;
    this.since = null;
    this.nudges += 1;
    return Math.min(input.currentTime + this.stepSeconds, input.duration);
  }
}

/** Whether the page holds every piece of the bytes between two times (at the file's mean bitrate). */
function piecesAt(input: StallInput, from: number, to: number): boolean {
  const byteAt = (time: number) => Math.min(input.length - 1, Math.max(0, Math.floor((time / input.duration) * input.length)));
  const first = Math.floor(byteAt(from) / input.pieceLength);
  const last = Math.floor(byteAt(Math.min(to, input.duration)) / input.pieceLength);
  for (let index = first; index <= last; index++) if (!input.has(index)) return false;
  return true;
}

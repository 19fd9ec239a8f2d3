/**
 * The figures of the P2P panel, counted from the wires of one torrent: payload bytes
 * received from peers (WebRTC: browsers and the origin's seeder) and from the web seed
 * (HTTP), payload bytes sent to other peers, connected peers, and a short history of rates
 * for the sparkline. Counters survive wires that close.
 */
export interface MeteredWire {
  readonly type: string;
  on(event: 'download' | 'upload', listener: (bytes: number) => void): unknown;
}

export interface SwarmSample {
  /** ms since the meter started. */
  at: number;
  /** Bytes per second over the last interval. */
  fromPeers: number;
  fromWebSeed: number;
  uploaded: number;
}

export interface SwarmFigures {
  /** Peers connected now (web seed excluded). */
  peers: number;
  /** Payload bytes received from peers. */
  fromPeers: number;
  /** Payload bytes received from the web seed. */
  fromWebSeed: number;
  /** Payload bytes sent to other peers. */
  uploaded: number;
  /** 0..1 of the file. */
  progress: number;
  webSeed: 'off' | 'standby' | 'active';
  history: SwarmSample[];
  /** When the first frame was shown, and how much of the file the page had then; null before. */
  startup: StartupFigures | null;
}

export interface StartupFigures {
  /** ms from the start of playback (the torrent added) to the first frame shown; null before. */
  firstFrameMs: number | null;
  /** performance.now() of the page when the first frame was shown. */
  firstFrameAt: number | null;
  /** 0..1 of the file downloaded when the first frame was shown. */
  progress: number | null;
  /** ms from the start of playback to the `playing` event (autoplay waits for enough data); null before. */
  playingMs: number | null;
  playingAt: number | null;
}

export const HISTORY_LENGTH = 60;

export const emptyFigures = (): SwarmFigures => ({ peers: 0, fromPeers: 0, fromWebSeed: 0, uploaded: 0, progress: 0, webSeed: 'off', history: [], startup: null });

export class SwarmMeter {
  fromPeers = 0;
  fromWebSeed = 0;
  uploaded = 0;
  private readonly history: SwarmSample[] = [];
  private readonly attached = new WeakSet<MeteredWire>();
  private readonly started: number;
  private last: { at: number; fromPeers: number; fromWebSeed: number; uploaded: number };

  constructor(private readonly now: () => number = () => performance.now()) {
    this.started = now();
    this.last = { at: this.started, fromPeers: 0, fromWebSeed: 0, uploaded: 0 };
  }

  attach(wire: MeteredWire): void {
    if (this.attached.has(wire)) return;
    this.attached.add(wire);
    const fromWebSeed = wire.type === 'webSeed';
    wire.on('download', (bytes) => {
      if (fromWebSeed) this.fromWebSeed += bytes;
      else this.fromPeers += bytes;
    });
    wire.on('upload', (bytes) => {
      this.uploaded += bytes;
    });
  }

  /** Adds a point to the history: the rates since the previous sample. */
  sample(): SwarmSample {
    const at = this.now();
    const seconds = Math.max((at - this.last.at) / 1000, 0.001);
    const point: SwarmSample = {
      at: at - this.started,
      fromPeers: (this.fromPeers - this.last.fromPeers) / seconds,
      fromWebSeed: (this.fromWebSeed - this.last.fromWebSeed) / seconds,
      uploaded: (this.uploaded - this.last.uploaded) / seconds,
    };
    this.last = { at, fromPeers: this.fromPeers, fromWebSeed: this.fromWebSeed, uploaded: this.uploaded };
    this.history.push(point);
    if (this.history.length > HISTORY_LENGTH) this.history.shift();
    return point;
  }

  /** Average rates over the samples of the last `ms` (null before any sample that old). */
  recentRate(ms: number): Omit<SwarmSample, 'at'> | null {
    const latest = this.history.at(-1);
    if (!latest || latest.at < ms) return null;
    const recent = this.history.filter((sample) => sample.at > latest.at - ms);
    const mean = (key: 'fromPeers' | 'fromWebSeed' | 'uploaded') => recent.reduce((sum, sample) => sum + sample[key], 0) / recent.length;
    return { fromPeers: mean('fromPeers'), fromWebSeed: mean('fromWebSeed'), uploaded: mean('uploaded') };
  }

  figures(wires: readonly MeteredWire[], progress: number, webSeed: SwarmFigures['webSeed'], startup: StartupFigures | null = null): SwarmFigures {
    return {
      startup,
      peers: wires.filter((wire) => wire.type !== 'webSeed').length,
      fromPeers: this.fromPeers,
      fromWebSeed: this.fromWebSeed,
      uploaded: this.uploaded,
      progress,
      webSeed,
      history: [...this.history],
    };
  }
}

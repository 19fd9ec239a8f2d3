import { SourceClassifier, type ClassifiedWire, type SourceRole } from './source-classifier';

/**
 * The figures of the P2P panel, counted from the wires of one torrent and the page's own web
 * seed requests: payload bytes received from other viewers, from the origin pod (its WebRTC
 * seeder, its web seed over HTTP) and from mirror pods, each apart (source-classifier.ts tells
 * them apart); payload bytes sent to other peers; connected viewers and pods; a short history
 * of rates for the sparkline. Counters survive wires that close.
 */
export interface MeteredWire extends ClassifiedWire {
  on(event: 'download' | 'upload', listener: (bytes: number) => void): unknown;
}

export interface SwarmSample {
  /** ms since the meter started. */
  at: number;
  /** Bytes per second over the last interval. */
  fromViewers: number;
  /** From pods: the origin (seeder and web seed) and mirrors. */
  fromPods: number;
  uploaded: number;
}

export interface SwarmFigures {
  /** Other viewers connected now. */
  peers: number;
  /** Pods' seeders connected now (the origin, mirrors). */
  pods: number;
  /** Payload bytes received from other viewers: the only share that is peer-to-peer. */
  fromViewers: number;
  /** Payload bytes received from the origin pod's WebRTC seeder. */
  fromOriginSeeder: number;
  /** Payload bytes received from the origin pod's web seed (HTTP). */
  fromWebSeed: number;
  /** Payload bytes received from mirror pods (their seeders and web seeds). */
  fromMirrors: number;
  /** HTTP range requests made to web seeds. */
  webSeedRequests: number;
  /** Payload bytes sent to other peers. */
  uploaded: number;
  /** 0..1 of the file. */
  progress: number;
  /** off: P2P off is 'active'; standby: only for deadlines, idle; fetching: a deadline fetch runs; active: the whole web seed is in use. */
  webSeed: 'off' | 'standby' | 'fetching' | 'active';
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

export const emptyFigures = (): SwarmFigures => ({
  peers: 0,
  pods: 0,
  fromViewers: 0,
  fromOriginSeeder: 0,
  fromWebSeed: 0,
  fromMirrors: 0,
  webSeedRequests: 0,
  uploaded: 0,
  progress: 0,
  webSeed: 'off',
  history: [],
  startup: null,
});

/** Bytes from the origin pod, seeder and web seed. */
export const fromOrigin = (figures: SwarmFigures): number => figures.fromOriginSeeder + figures.fromWebSeed;
export const received = (figures: SwarmFigures): number => figures.fromViewers + fromOrigin(figures) + figures.fromMirrors;

export class SwarmMeter {
  fromViewers = 0;
  fromOriginSeeder = 0;
  fromWebSeed = 0;
  fromMirrors = 0;
  webSeedRequests = 0;
  uploaded = 0;
  private readonly history: SwarmSample[] = [];
  private readonly attached = new WeakSet<MeteredWire>();
  private readonly started: number;
  private last: { at: number; fromViewers: number; fromPods: number; uploaded: number };

  constructor(
    readonly classifier: SourceClassifier = new SourceClassifier(undefined),
    private readonly now: () => number = () => performance.now(),
  ) {
    this.started = now();
    this.last = { at: this.started, fromViewers: 0, fromPods: 0, uploaded: 0 };
  }

  private get fromPods(): number {
    return this.fromOriginSeeder + this.fromWebSeed + this.fromMirrors;
  }

  attach(wire: MeteredWire): void {
    if (this.attached.has(wire)) return;
    this.attached.add(wire);
    const role = this.classifier.roleOf(wire);
    const webSeed = wire.type === 'webSeed';
    wire.on('download', (bytes) => this.count(role, webSeed, bytes));
    wire.on('upload', (bytes) => {
      this.uploaded += bytes;
    });
  }

  /** Bytes the page fetched over HTTP itself (the deadline web seed), from the pod serving `url`. */
  countHttp(url: string, bytes: number): void {
    this.count(this.classifier.roleOfUrl(url), true, bytes);
  }

  countHttpRequest(): void {
    this.webSeedRequests++;
  }

  private count(role: SourceRole, webSeed: boolean, bytes: number): void {
    if (role === 'viewer') this.fromViewers += bytes;
    else if (role === 'mirror') this.fromMirrors += bytes;
    else if (webSeed) this.fromWebSeed += bytes;
    else this.fromOriginSeeder += bytes;
  }

  /** Adds a point to the history: the rates since the previous sample. */
  sample(): SwarmSample {
    const at = this.now();
    const seconds = Math.max((at - this.last.at) / 1000, 0.001);
    const point: SwarmSample = {
      at: at - this.started,
      fromViewers: (this.fromViewers - this.last.fromViewers) / seconds,
      fromPods: (this.fromPods - this.last.fromPods) / seconds,
      uploaded: (this.uploaded - this.last.uploaded) / seconds,
    };
    this.last = { at, fromViewers: this.fromViewers, fromPods: this.fromPods, uploaded: this.uploaded };
    this.history.push(point);
    if (this.history.length > HISTORY_LENGTH) this.history.shift();
    return point;
  }

  figures(wires: readonly MeteredWire[], progress: number, webSeed: SwarmFigures['webSeed'], startup: StartupFigures | null = null): SwarmFigures {
    const peers = wires.filter((wire) => wire.type !== 'webSeed');
    const viewers = peers.filter((wire) => this.classifier.roleOf(wire) === 'viewer').length;
    return {
      startup,
      peers: viewers,
      pods: peers.length - viewers,
      fromViewers: this.fromViewers,
      fromOriginSeeder: this.fromOriginSeeder,
      fromWebSeed: this.fromWebSeed,
      fromMirrors: this.fromMirrors,
      webSeedRequests: this.webSeedRequests,
      uploaded: this.uploaded,
      progress,
      webSeed,
      history: [...this.history],
    };
  }
}

import type WebTorrentClass from 'webtorrent/dist/webtorrent.min.js';
import type { BrowserTorrent, BrowserWire } from 'webtorrent/dist/webtorrent.min.js';
import { MEMORY_STORE_MAX_BYTES, MemoryChunkStore } from './memory-store';
import { registerStreamWorker, streamWorkerSupported } from './stream-worker';
import { StallWatch } from './stall-watch';
import { bufferedAhead, planDeadlineFetch, type DeadlineOptions } from './deadline-fetch';
import { DeadlineWebSeed, pieceHashes, type WritableTorrent } from './deadline-web-seed';
import { SourceClassifier } from './source-classifier';
import { SwarmMeter, emptyFigures, type StartupFigures, type SwarmFigures } from './swarm-meter';

/**
 * Plays one video through WebTorrent in the page. With P2P on, the client announces to the
 * origin pod's WebSocket tracker and exchanges pieces over WebRTC with the origin's seeder and
 * other viewers; the origin's web seed (its /static/web-videos file, HTTP Range) is used for
 * deadlines only (deadline-fetch.ts): when less than a few seconds are buffered ahead of the
 * playhead (or no first frame after a second), the page fetches the next missing pieces in one
 * range request, and stops as soon as the peers keep the buffer up again. The whole web seed
 * joins only when the viewer asks (the panel's button). With P2P off the client has no tracker
 * and uses the web seed alone: no announce, no WebRTC, the viewer's address is never shared.
 *
 * The webtorrent bundle is loaded here, lazily (its own chunk): only the watch page pays for it.
 */

export interface PlaybackSource {
  infoHash: string;
  torrentUrl: string;
  webSeedUrls: string[];
  /** Every .torrent of the video, reachable pods first (the origin's and its mirrors'): tried in turn. */
  torrentUrls?: string[];
  /** Every tracker of the video (the origin's and its mirrors'): announced to besides the torrent's own. */
  trackerUrls?: string[];
  /** Bytes and seconds: the bitrate the peers must at least deliver. */
  size?: number;
  duration?: number;
}

export interface PlaybackOptions {
  p2p: boolean;
  /** When the web seed serves deadlines (P2P on). */
  deadline?: DeadlineOptions;
  /** Mirror pods of the video (any URL on each): their seeders and web seeds count as mirrors in the figures. */
  mirrors?: string[];
  onFigures?: (figures: SwarmFigures) => void;
  onError?: (message: string) => void;
  /** Aborting it destroys the playback, also while it starts. */
  signal?: AbortSignal;
  /** The WebRTC ICE servers (STUN, TURN), asked for with P2P on; none: host candidates only. */
  iceServers?: (signal: AbortSignal) => Promise<RTCIceServer[]>;
}

export type PlaybackMode = 'webtorrent' | 'direct';

let loading: Promise<typeof WebTorrentClass> | null = null;

/**
 * WebTorrent's web seed requests (lib/webconn.js) send `Cache-Control: no-store` and a
 * `User-Agent` header besides `Range`: a CORS preflight that the pods' /static routes refuse
 * (they allow `Range` only), so a remote video's web seed would fail. The bundle takes `fetch`
 * when it is evaluated (cross-fetch-ponyfill: `self.fetch`): it is given one that drops those
 * two headers (the request keeps its `cache: 'no-store'` option, which needs no header). The
 * page's own `fetch` is put back as soon as the bundle is loaded.
 */
export function corsSafeFetch(original: typeof fetch): typeof fetch {
  const dropped = new Set(['cache-control', 'user-agent']);
  return (input, init) => {
    if (!init?.headers) return original(input, init);
    const headers = new Headers(init.headers);
    for (const name of dropped) headers.delete(name);
    return original(input, { ...init, headers });
  };
}

export function loadWebTorrent(): Promise<typeof WebTorrentClass> {
  loading ??= (async () => {
    const pageFetch = globalThis.fetch;
    globalThis.fetch = corsSafeFetch(pageFetch.bind(globalThis));
    try {
      return (await import('webtorrent/dist/webtorrent.min.js')).default;
    } finally {
      globalThis.fetch = pageFetch;
    }
  })().catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

async function fetchTorrent(url: string, signal: AbortSignal): Promise<Uint8Array> {
  const response = await fetch(url, { signal });
  if (!response.ok) throw new Error(`the torrent file could not be fetched from the origin pod (${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
}

/** The first of the video's .torrent files that can be had: a mirror's when the origin is down. */
async function fetchFirstTorrent(urls: string[], signal: AbortSignal): Promise<Uint8Array> {
  let failure: unknown = new Error('the video has no torrent file');
  for (const url of urls) {
    try {
      return await fetchTorrent(url, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      failure = error;
    }
  }
  throw failure;
}

/**
 * An empty bitfield for the torrent (one bit per piece, none set), or undefined when the
 * torrent cannot be read. Given to webtorrent, it skips checking the browser's store piece by
 * piece for data already there (about a second for 20 MB in Chromium's OPFS store): a page
 * starts every video from nothing.
 */
export function emptyBitfield(torrentFile: Uint8Array, size: number | undefined): Uint8Array | undefined {
  if (!size) return undefined;
  // The bencoded info dict holds `12:piece lengthi<N>e`; latin1 keeps one character per byte.
  const match = /12:piece lengthi(\d+)e/.exec(new TextDecoder('latin1').decode(torrentFile));
  const pieceLength = match ? Number(match[1]) : 0;
  if (!pieceLength) return undefined;
  return new Uint8Array(Math.ceil(Math.ceil(size / pieceLength) / 8));
}

/** Starts loading what every playback needs (the webtorrent chunk, the service worker) ahead of the video's metadata. */
export function preparePlayback(): void {
  if (!streamWorkerSupported()) return;
  loadWebTorrent().catch(() => undefined);
  registerStreamWorker().catch(() => undefined);
}

export class TorrentPlayback {
  readonly meter: SwarmMeter;
  mode: PlaybackMode = 'webtorrent';
  private client: InstanceType<typeof WebTorrentClass> | null = null;
  private torrent: BrowserTorrent | null = null;
  private webSeed: SwarmFigures['webSeed'];
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly abort = new AbortController();
  private startedAt = 0;
  private deadlineSeed: DeadlineWebSeed | null = null;
  /** Since when the buffer has been under the mark (after the first frame): a dip of a tick is not a deadline. */
  private lowSince: number | null = null;
  private startup: StartupFigures | null = null;
  private played = false;
  private readonly stalls = new StallWatch();
  destroyed = false;

  private constructor(
    private readonly source: PlaybackSource,
    private readonly element: HTMLVideoElement,
    private readonly options: PlaybackOptions,
  ) {
    this.webSeed = options.p2p ? 'standby' : 'active';
    // torrentUrl is always on the origin (webSeedUrls put the mirrors' first while it is down).
    const classifier = new SourceClassifier(source.torrentUrl);
    for (const mirror of options.mirrors ?? []) classifier.addMirror(mirror);
    this.meter = new SwarmMeter(classifier);
  }

  /** Starts playback into `element`; resolves once the element has its source. */
  static async start(source: PlaybackSource, element: HTMLVideoElement, options: PlaybackOptions): Promise<TorrentPlayback> {
    const playback = new TorrentPlayback(source, element, options);
    const onAbort = () => playback.destroy();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (options.signal?.aborted) throw new DOMException('playback cancelled', 'AbortError');
      await playback.begin();
      if (playback.destroyed) throw new DOMException('playback cancelled', 'AbortError');
      return playback;
    } catch (error) {
      playback.destroy();
      throw error;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  private async begin(): Promise<void> {
    if (!streamWorkerSupported()) {
      // No service worker (an http:// page that is not localhost): the browser plays the web seed itself.
      this.mode = 'direct';
      this.webSeed = 'active';
      if (!this.source.webSeedUrls[0]) throw new Error('this browser cannot stream torrents here (no service worker on a non-secure page) and the video has no web seed');
      this.startedAt = performance.now();
      this.watchFirstFrame(() => 0);
      this.element.src = this.source.webSeedUrls[0];
      this.report();
      return;
    }
    // performance marks: where the time to the first frame goes (bench/first-frame.bench.ts).
    const mark = (name: string) => performance.mark(`swarmtube:${name}`);
    mark('playback-start');
    const p2p = this.options.p2p;
    const [WebTorrent, registration, torrentFile, iceServers] = await Promise.all([
      loadWebTorrent().finally(() => mark('webtorrent-loaded')),
      registerStreamWorker().finally(() => mark('service-worker-ready')),
      fetchFirstTorrent(this.source.torrentUrls ?? [this.source.torrentUrl], this.abort.signal).finally(() => mark('torrent-fetched')),
      p2p && this.options.iceServers ? this.options.iceServers(this.abort.signal) : Promise.resolve([]),
      this.meter.classifier.addWebSeeds(this.source.webSeedUrls),
    ]);
    if (this.destroyed) return;
    const client = (this.client = new WebTorrent({
      // P2P off: no tracker at all, so no announce and no WebRTC offers. On: the pod's STUN and
      // TURN servers, so that viewers behind NATs reach each other (or relay through TURN).
      tracker: p2p ? { rtcConfig: { iceServers } } : false,
      // P2P on: the web seed serves deadlines (DeadlineWebSeed), or all when the viewer asks.
      webSeeds: !p2p,
    }));
    client.on('error', (error) => this.fail(error));
    const inMemory = this.source.size !== undefined && this.source.size <= MEMORY_STORE_MAX_BYTES;
    const torrent = (this.torrent = client.add(torrentFile, {
      destroyStoreOnDestroy: true,
      // The mirrors' trackers too (webtorrent adds them to the torrent's own): every copy is found.
      ...(p2p && this.source.trackerUrls ? { announce: this.source.trackerUrls.filter((url) => /^wss?:/.test(url)) } : {}),
      bitfield: emptyBitfield(torrentFile, this.source.size),
      ...(inMemory ? { store: MemoryChunkStore } : {}),
    }));
    torrent.on('wire', (wire: BrowserWire) => this.meter.attach(wire));
    torrent.on('error', (error) => this.fail(error));
    torrent.on('warning', () => undefined);
    await new Promise<void>((resolve) => (torrent.ready ? resolve() : torrent.once('ready', resolve)));
    mark('torrent-ready');
    if (this.destroyed) return;
    const hashes = pieceHashes(torrentFile);
    const webSeedUrl = this.source.webSeedUrls[0];
    if (p2p && hashes && webSeedUrl && globalThis.crypto?.subtle) {
      this.deadlineSeed = new DeadlineWebSeed(
        torrent as unknown as WritableTorrent,
        webSeedUrl,
        hashes,
        (bytes) => this.meter.countHttp(webSeedUrl, bytes),
        () => this.meter.countHttpRequest(),
      );
    }
    client.createServer({ controller: registration });
    this.startedAt = performance.now();
    this.watchFirstFrame(() => torrent.progress);
    torrent.files[0].streamTo(this.element);
    this.timer = setInterval(() => this.tick(), 250);
    this.report();
  }

  /** Records when the first frame is shown (requestVideoFrameCallback, else `loadeddata`) and when playback starts. */
  private watchFirstFrame(progress: () => number): void {
    const element = this.element;
    const startup = (this.startup = { firstFrameMs: null, firstFrameAt: null, progress: null, playingMs: null, playingAt: null } as StartupFigures);
    const frame = () => {
      if (this.destroyed || startup.firstFrameAt !== null) return;
      startup.firstFrameAt = performance.now();
      startup.firstFrameMs = startup.firstFrameAt - this.startedAt;
      startup.progress = progress();
      this.report();
    };
    if (typeof element.requestVideoFrameCallback === 'function') element.requestVideoFrameCallback(frame);
    else element.addEventListener('loadeddata', frame, { once: true });
    element.addEventListener(
      'playing',
      () => {
        this.played = true;
        if (this.destroyed) return;
        frame();
        startup.playingAt = performance.now();
        startup.playingMs = startup.playingAt - this.startedAt;
        this.report();
      },
      { once: true },
    );
  }

  private tick(): void {
    if (this.destroyed) return;
    this.meter.sample();
    this.meetDeadline();
    this.recoverStall();
    this.report();
  }

  /** See stall-watch.ts: a stream stalled with the pieces at hand gets a new range request. */
  private recoverStall(): void {
    const torrent = this.torrent as unknown as WritableTorrent | null;
    if (!torrent) return;
    const element = this.element;
    const to = this.stalls.check({
      now: performance.now(),
      wantsToPlay: this.played && !element.paused && !element.ended && !element.seeking,
      readyState: element.readyState,
      currentTime: element.currentTime,
      duration: element.duration || (this.source.duration ?? NaN),
      pieceLength: torrent.pieceLength,
      length: torrent.length,
      has: (index) => torrent.bitfield.get(index),
    });
    if (to === null) return;
    element.currentTime = to;
    // For tests and for whoever inspects a page that hiccuped.
    element.dataset.stallNudges = String(this.stalls.nudges);
  }

  /** The web seed for what the playhead needs soon and the peers have not delivered (deadline-fetch.ts). */
  private meetDeadline(): void {
    const torrent = this.torrent;
    const seed = this.deadlineSeed;
    if (!seed || seed.busy || this.webSeed === 'active' || !torrent || torrent.done) return;
    const element = this.element;
    const writable = torrent as unknown as WritableTorrent;
    const asked = new Set<number>();
    const plan = () => {
      asked.clear();
      for (const wire of writable.wires) for (const request of wire.requests ?? []) asked.add(request.piece);
      return planDeadlineFetch(
        {
          pieceCount: Math.ceil(writable.length / writable.pieceLength),
          pieceLength: writable.pieceLength,
          length: writable.length,
          has: (index) => writable.bitfield.get(index),
          requested: (index) => asked.has(index),
          currentTime: element.currentTime,
          duration: element.duration || (this.source.duration ?? NaN),
          bufferedAhead: bufferedAhead(element.buffered, element.currentTime),
          // Autoplay starts only once it has enough data: waiting for it is wanting to play.
          wantsToPlay: !element.ended && (!element.paused || (element.autoplay && !this.played)),
          firstFrame: this.startup?.firstFrameAt != null,
          elapsedMs: performance.now() - this.startedAt,
        },
        this.options.deadline,
      );
    };
    const range = plan();
    const now = performance.now();
    if (!range) {
      this.lowSince = null;
      return;
    }
    if (this.startup?.firstFrameAt != null && !range.urgent) {
      this.lowSince ??= now;
      if (now - this.lowSince < (this.options.deadline?.confirmMs ?? 500)) return;
    }
    this.lowSince = null;
    this.webSeed = 'fetching';
    seed
      .fetch(range, this.abort.signal, () => !this.destroyed && plan() !== null)
      .catch((error: unknown) => {
        if (!this.destroyed && !(error instanceof DOMException && error.name === 'AbortError')) this.fail(`web seed: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => {
        if (this.webSeed === 'fetching') this.webSeed = 'standby';
      });
  }

  /** Adds the origin's web seed now (also the panel's "use the web seed" button). */
  addWebSeed(): void {
    if (!this.torrent || this.webSeed === 'active' || this.destroyed) return;
    this.webSeed = 'active';
    for (const url of this.source.webSeedUrls) this.torrent.addWebSeed(url);
    this.report();
  }

  figures(): SwarmFigures {
    if (!this.torrent) return { ...emptyFigures(), webSeed: this.webSeed, startup: this.startup };
    return this.meter.figures(this.torrent.wires, this.torrent.progress, this.webSeed, this.startup);
  }

  private report(): void {
    this.options.onFigures?.(this.figures());
  }

  private fail(error: Error | string): void {
    if (this.destroyed) return;
    this.options.onError?.(typeof error === 'string' ? error : error.message);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.abort.abort();
    if (this.timer) clearInterval(this.timer);
    this.element.pause();
    this.element.removeAttribute('src');
    this.element.load();
    this.client?.destroy();
    this.client = null;
    this.torrent = null;
  }
}

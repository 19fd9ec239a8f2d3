/**
 * The part of webtorrent's browser bundle (`webtorrent/dist/webtorrent.min.js`, an ES module
 * with no types) that the watch page uses, checked against node_modules/webtorrent/index.js,
 * lib/torrent.js, lib/file.js and lib/server.js (3.0.21).
 */
declare module 'webtorrent/dist/webtorrent.min.js' {
  export interface BrowserWire {
    /** 'webrtc' for browsers and seeders reached over WebRTC, 'webSeed' for the HTTP web seed. */
    readonly type: string;
    readonly remoteAddress?: string;
    readonly downloaded: number;
    readonly uploaded: number;
    on(event: 'download' | 'upload', listener: (bytes: number) => void): this;
    on(event: 'close', listener: () => void): this;
    off(event: string, listener: (...args: never[]) => void): this;
  }

  export interface BrowserTorrentFile {
    readonly name: string;
    readonly path: string;
    readonly length: number;
    readonly streamURL: string;
    streamTo(element: HTMLMediaElement): HTMLMediaElement;
  }

  export interface BrowserTorrent {
    readonly infoHash: string;
    readonly ready: boolean;
    readonly done: boolean;
    readonly destroyed: boolean;
    readonly length: number;
    readonly progress: number;
    readonly downloaded: number;
    readonly uploaded: number;
    readonly numPeers: number;
    readonly wires: BrowserWire[];
    readonly files: BrowserTorrentFile[];
    readonly urlList: string[];
    addWebSeed(url: string): void;
    on(event: 'ready' | 'done', listener: () => void): this;
    on(event: 'wire', listener: (wire: BrowserWire) => void): this;
    on(event: 'error' | 'warning', listener: (error: Error | string) => void): this;
    once(event: 'ready' | 'done', listener: () => void): this;
    destroy(callback?: (error?: Error | null) => void): void;
  }

  export interface BrowserClientOptions {
    tracker?: false | { rtcConfig?: RTCConfiguration };
    webSeeds?: boolean;
    maxConns?: number;
    utPex?: boolean;
    lsd?: boolean;
    dht?: boolean;
  }

  export interface BrowserTorrentOptions {
    announce?: string[];
    strategy?: 'sequential' | 'rarest';
    /** Keep pieces in memory (no IndexedDB/OPFS store). */
    store?: unknown;
    storeCacheSlots?: number;
    destroyStoreOnDestroy?: boolean;
    /** Pieces already in the store; with it, webtorrent checks only a few of them. */
    bitfield?: Uint8Array;
  }

  export default class WebTorrent {
    static readonly WEBRTC_SUPPORT: boolean;
    constructor(options?: BrowserClientOptions);
    readonly torrents: BrowserTorrent[];
    readonly destroyed: boolean;
    add(torrentId: Uint8Array | string, options?: BrowserTorrentOptions, onTorrent?: (torrent: BrowserTorrent) => void): BrowserTorrent;
    createServer(options: { controller: ServiceWorkerRegistration }): unknown;
    on(event: 'error' | 'warning', listener: (error: Error | string) => void): this;
    destroy(callback?: (error?: Error | null) => void): void;
  }
}

/**
 * The part of webtorrent 3 (which ships no types) that the seeder and its tests use,
 * checked against node_modules/webtorrent/index.js and lib/torrent.js.
 */
declare module 'webtorrent' {
  import { EventEmitter } from 'node:events';

  export interface TrackerClientOptions {
    /** Passed to node-datachannel's RTCPeerConnection, which also reads its own keys (bindAddress). */
    rtcConfig?: { iceServers: unknown[]; bindAddress?: string };
    /** Merged into every announce, after webtorrent's own figures. */
    getAnnounceOpts?: () => Record<string, unknown>;
  }

  export interface WebTorrentOptions {
    /** 40 hex characters. */
    peerId?: string;
    torrentPort?: number;
    dht?: boolean;
    lsd?: boolean;
    utPex?: boolean;
    utp?: boolean;
    natUpnp?: boolean;
    natPmp?: boolean;
    webSeeds?: boolean;
    maxConns?: number;
    seedOutgoingConnections?: boolean;
    uploadLimit?: number;
    downloadLimit?: number;
    tracker?: TrackerClientOptions | false;
  }

  /** A chunk store: webtorrent constructs it as `new store(pieceLength, {...storeOpts, length, ...})`. */
  export type ChunkStoreConstructor = new (chunkLength: number, options: never) => unknown;

  export interface TorrentOptions {
    path?: string;
    skipVerify?: boolean;
    store?: ChunkStoreConstructor;
    storeOpts?: Record<string, unknown>;
    storeCacheSlots?: number;
    noPeersIntervalTime?: number;
    announce?: string[];
    strategy?: 'sequential' | 'rarest';
  }

  export interface Wire extends EventEmitter {
    type: 'tcpIncoming' | 'tcpOutgoing' | 'utpIncoming' | 'utpOutgoing' | 'webrtc' | 'webSeed';
    remoteAddress?: string;
  }

  export interface TrackerClient extends EventEmitter {
    on(event: 'update', listener: (data: { announce: string; complete?: number; incomplete?: number }) => void): this;
    off(event: 'update', listener: (data: { announce: string }) => void): this;
  }

  export interface Torrent extends EventEmitter {
    readonly infoHash: string;
    readonly name: string;
    readonly length: number;
    readonly announce: string[];
    readonly ready: boolean;
    readonly done: boolean;
    readonly destroyed: boolean;
    readonly uploaded: number;
    readonly downloaded: number;
    readonly received: number;
    readonly progress: number;
    readonly numPeers: number;
    readonly wires: Wire[];
    readonly magnetURI: string;
    readonly files: Array<{ name: string; path: string; length: number }>;
    readonly discovery: { tracker: TrackerClient | null } | null;
    destroy(callback?: (error?: Error | null) => void): void;
  }

  export default class WebTorrent extends EventEmitter {
    static readonly WEBRTC_SUPPORT: boolean;
    static readonly UTP_SUPPORT: boolean;
    constructor(options?: WebTorrentOptions);
    readonly torrents: Torrent[];
    readonly torrentPort: number;
    readonly listening: boolean;
    readonly destroyed: boolean;
    readonly utp: boolean;
    add(torrentId: string | Uint8Array, options?: TorrentOptions, onTorrent?: (torrent: Torrent) => void): Torrent;
    get(torrentId: string | Uint8Array): Promise<Torrent | null>;
    address(): { address: string; family: string; port: number } | null;
    destroy(callback?: (error?: Error | null) => void): void;
  }
}

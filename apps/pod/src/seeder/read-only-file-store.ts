import type { OpenFiles } from './open-files.js';

/** Passed through webtorrent's `storeOpts`; webtorrent adds `length` (the torrent's) itself. */
export interface ReadOnlyFileStoreOptions {
  readonly filePath: string;
  readonly openFiles: OpenFiles;
  readonly length: number;
  /** Told about every failed read (the peer is sent a reject); the seeder logs it. */
  readonly onReadError?: (error: Error) => void;
}

type Callback<T = void> = (error: Error | null, value?: T) => void;

/**
 * An abstract-chunk-store (what webtorrent reads pieces from) over one stored video,
 * read-only. Instead of fs-chunk-store, because that one opens the file read-write
 * (creating it when missing), keeps its descriptor for the torrent's lifetime, and comes
 * wrapped in a 20-piece memory cache per torrent; here reads go through the shared
 * OpenFiles, and the kernel's page cache is the only cache. `put` always fails: the
 * seeder has every piece, so webtorrent never writes, and nothing may write to a
 * published video.
 */
export class ReadOnlyFileStore {
  readonly chunkLength: number;
  private readonly filePath: string;
  private readonly openFiles: OpenFiles;
  private readonly length: number;
  private readonly lastIndex: number;
  private readonly onReadError?: (error: Error) => void;
  private closed = false;

  constructor(chunkLength: number, options: ReadOnlyFileStoreOptions) {
    this.chunkLength = chunkLength;
    this.filePath = options.filePath;
    this.openFiles = options.openFiles;
    this.length = options.length;
    this.lastIndex = Math.ceil(this.length / chunkLength) - 1;
    this.onReadError = options.onReadError;
  }

  get(index: number, options: { offset?: number; length?: number } | null | Callback<Buffer>, cb?: Callback<Buffer>): void {
    if (typeof options === 'function') return this.get(index, null, options);
    const done = cb ?? (() => undefined);
    if (this.closed) return later(done, new Error('store is closed'));
    if (!Number.isInteger(index) || index < 0 || index > this.lastIndex) return later(done, new Error(`no piece ${index}`));
    const pieceLength = index === this.lastIndex ? this.length - index * this.chunkLength : this.chunkLength;
    const offset = options?.offset ?? 0;
    const length = options?.length ?? pieceLength - offset;
    if (offset < 0 || length < 0 || offset + length > pieceLength) {
      return later(done, new Error(`bytes ${offset}+${length} are outside piece ${index} (${pieceLength} bytes)`));
    }
    if (length === 0) return later(done, null, Buffer.alloc(0));
    this.openFiles.read(this.filePath, this.length, index * this.chunkLength + offset, length).then(
      (buffer) => done(null, buffer),
      (error: Error) => {
        this.onReadError?.(error);
        done(error);
      },
    );
  }

  put(_index: number, _buffer: Uint8Array, cb?: Callback): void {
    later(cb ?? (() => undefined), new Error('a seeded video is read-only'));
  }

  close(cb?: Callback): void {
    this.closed = true;
    this.openFiles.release(this.filePath);
    later(cb ?? (() => undefined), null);
  }

  /** Never deletes anything: the video belongs to the pod's storage, not to webtorrent. */
  destroy(cb?: Callback): void {
    this.close(cb);
  }
}

function later<T>(cb: Callback<T>, error: Error | null, value?: T): void {
  queueMicrotask(() => cb(error, value));
}

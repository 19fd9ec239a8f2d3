/**
 * A chunk store in memory (the abstract-chunk-store interface webtorrent constructs as
 * `new Store(pieceLength, { length, … })`), like memory-chunk-store, which the webtorrent
 * bundle does not export. Reads never wait behind writes: Chromium's OPFS store, webtorrent's
 * browser default, made the stream of the first pieces wait until fast peers had written most
 * of a 20 MB file. Used for videos up to MEMORY_STORE_MAX_BYTES.
 */
export const MEMORY_STORE_MAX_BYTES = 512 * 1024 * 1024;

type Callback<T = void> = (error: Error | null, value?: T) => void;

export class MemoryChunkStore {
  readonly chunkLength: number;
  readonly length: number;
  private chunks: Array<Uint8Array | undefined> | null = [];
  private readonly lastChunkIndex: number;
  private readonly lastChunkLength: number;

  constructor(chunkLength: number, options: { length?: number } = {}) {
    this.chunkLength = Number(chunkLength);
    if (!this.chunkLength) throw new Error('First argument must be a chunk length');
    this.length = Number(options.length) || Infinity;
    this.lastChunkIndex = this.length === Infinity ? -1 : Math.ceil(this.length / this.chunkLength) - 1;
    this.lastChunkLength = this.length === Infinity ? this.chunkLength : this.length % this.chunkLength || this.chunkLength;
  }

  put(index: number, buffer: Uint8Array, callback: Callback = () => undefined): void {
    if (!this.chunks) return queueMicrotask(() => callback(new Error('Storage is closed')));
    const expected = index === this.lastChunkIndex ? this.lastChunkLength : this.chunkLength;
    if (buffer.length !== expected) return queueMicrotask(() => callback(new Error(`Chunk length must be ${expected}`)));
    this.chunks[index] = buffer;
    queueMicrotask(() => callback(null));
  }

  get(index: number, options: { offset?: number; length?: number } | null | Callback<Uint8Array>, callback: Callback<Uint8Array> = () => undefined): void {
    if (typeof options === 'function') return this.get(index, null, options);
    if (!this.chunks) return queueMicrotask(() => callback(new Error('Storage is closed')));
    const buffer = this.chunks[index];
    if (!buffer) {
      const error = Object.assign(new Error('Chunk not found'), { notFound: true });
      return queueMicrotask(() => callback(error));
    }
    const offset = options?.offset ?? 0;
    const length = options?.length ?? buffer.length - offset;
    const slice = offset === 0 && length === buffer.length ? buffer : buffer.slice(offset, offset + length);
    queueMicrotask(() => callback(null, slice));
  }

  close(callback: Callback = () => undefined): void {
    if (!this.chunks) return queueMicrotask(() => callback(new Error('Storage is closed')));
    this.chunks = null;
    queueMicrotask(() => callback(null));
  }

  destroy(callback: Callback = () => undefined): void {
    this.close(callback);
  }
}

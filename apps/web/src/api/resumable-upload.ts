import { nextChunkBytes, RESUMABLE_FIRST_CHUNK_BYTES } from '../../../../libs/contracts/src/browser.js';
import { ApiError, apiUrl, authHooks, problemToError, type UploadHandle } from './http';
import type { ProblemDocument, UploadAccepted } from './types';

/**
 * PeerTube's resumable upload, as the pod serves it (`/api/v1/videos/upload-resumable`,
 * docs/videos.md): a POST with the video's fields and size, then the file in chunks, each a
 * PUT with its Content-Range. A chunk whose connection drops (or that a proxy answers 5xx)
 * is not sent again from its start: the uploader waits, asks the pod how many bytes it holds
 * (`Content-Range: bytes *\/SIZE`) and goes on from there, so the progress goes on too.
 */

/** What one HTTP exchange gave: status 0 when the connection failed. */
export interface Exchange {
  status: number;
  header(name: string): string | null;
  body: unknown;
}

export interface ExchangeRequest {
  method: 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: Blob | string;
  /** Bytes of `body` sent so far. */
  onProgress?: (loaded: number) => void;
  signal: AbortSignal;
}

/** One request; resolves with status 0 on a network failure, rejects only with an AbortError. */
export type Transport = (request: ExchangeRequest) => Promise<Exchange>;

export interface ResumableOptions {
  /** Bytes of the first PUT (and of the first after a failure); the next ones follow the line's speed (nextChunkBytes). */
  chunkBytes: number;
  /** A fixed size instead (tests). */
  fixedChunks: boolean;
  /** Milliseconds, for the chunks' speed (tests give their own). */
  clock: () => number;
  /** Waits before each new attempt after a failure in a row; past the last one the upload fails. */
  retryDelaysMs: readonly number[];
  transport: Transport;
  /** Told when a connection failed and when the upload goes on. */
  onConnection?: (state: { lost: true; attempt: number; retryInMs: number } | { lost: false }) => void;
}

/** About three minutes of trying before giving up. */
export const DEFAULT_RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 15_000, 15_000, 30_000, 30_000, 30_000, 45_000] as const;

const PATH = '/api/v1/videos/upload-resumable';
/** Answers that say the connection or a proxy failed, not the upload: try again. */
const RETRYABLE = new Set([0, 408, 502, 503, 504]);

export interface ResumableFields {
  name: string;
  description: string;
  tags: string[];
}

export function uploadVideoResumable(
  file: File,
  fields: ResumableFields,
  onProgress: (loaded: number, total: number) => void,
  options: Partial<ResumableOptions> = {},
): UploadHandle<UploadAccepted> {
  const { chunkBytes = RESUMABLE_FIRST_CHUNK_BYTES, fixedChunks = false, clock = Date.now, retryDelaysMs = DEFAULT_RETRY_DELAYS_MS, transport = xhrTransport, onConnection } = options;
  const controller = new AbortController();
  const { signal } = controller;
  const size = file.size;
  let location: string | null = null;

  const auth = (): Record<string, string> => {
    const token = authHooks().token();
    return token ? { Authorization: `Bearer ${token}` } : {};
  };

  const refuse = (exchange: Exchange): never => {
    if (exchange.status === 401) authHooks().onUnauthorized();
    throw problemToError(exchange.status, '', (exchange.body ?? {}) as ProblemDocument);
  };

  /** The bytes the pod holds, from a 308's or a 409's Range (`bytes=0-LAST`); none without one. */
  const held = (exchange: Exchange): number => {
    const range = /^bytes=0-(\d+)$/.exec(exchange.header('Range') ?? '');
    if (range) return Number(range[1]) + 1;
    const offset = (exchange.body as { offset?: unknown } | null)?.offset;
    return typeof offset === 'number' ? offset : 0;
  };

  const wait = (ms: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => (clearTimeout(timer), reject(new DOMException('The upload was cancelled', 'AbortError'))), { once: true });
    });

  async function run(): Promise<UploadAccepted> {
    const started = await transport({
      method: 'POST',
      url: apiUrl(PATH).toString(),
      headers: { ...auth(), Accept: 'application/json', 'Content-Type': 'application/json', 'X-Upload-Content-Length': String(size), 'X-Upload-Content-Type': file.type || 'application/octet-stream' },
      body: JSON.stringify({ ...fields, filename: file.name }),
      signal,
    });
    if (started.status !== 201 || !started.header('Location')) {
      if (RETRYABLE.has(started.status)) throw new ApiError(0, 'network', 'The upload could not start: the pod could not be reached');
      return refuse(started);
    }
    location = started.header('Location');
    let offset = 0;
    let failures = 0;
    let chunk = chunkBytes;
    onProgress(0, size);
    for (;;) {
      let exchange: Exchange;
      if (failures === 0) {
        const end = Math.min(offset + chunk, size);
        const from = offset;
        const sentAt = clock();
        exchange = await transport({
          method: 'PUT',
          url: location!,
          headers: { ...auth(), Accept: 'application/json', 'Content-Type': 'application/octet-stream', 'Content-Range': `bytes ${from}-${end - 1}/${size}` },
          body: file.slice(from, end),
          onProgress: (loaded) => onProgress(Math.min(size, from + loaded), size),
          signal,
        });
        if (!fixedChunks) chunk = exchange.status === 308 ? nextChunkBytes(end - from, clock() - sentAt) : chunkBytes;
      } else {
        // After a failure: how much did the pod keep?
        exchange = await transport({ method: 'PUT', url: location!, headers: { ...auth(), Accept: 'application/json', 'Content-Range': `bytes */${size}` }, signal });
      }
      if (exchange.status === 200) {
        onProgress(size, size);
        if (failures > 0) onConnection?.({ lost: false });
        const uuid = (exchange.body as { uuid?: unknown } | null)?.uuid;
        if (typeof uuid !== 'string') throw new ApiError(200, 'invalid-answer', 'The pod finished the upload without naming the video');
        return { uuid };
      }
      if (exchange.status === 308 || (exchange.status === 409 && (exchange.body as { code?: string } | null)?.code === 'upload-offset-mismatch')) {
        offset = held(exchange);
        onProgress(offset, size);
        if (failures > 0) onConnection?.({ lost: false });
        failures = 0;
        continue;
      }
      const cutOff = exchange.status === 400 && (exchange.body as { code?: string } | null)?.code === 'upload-aborted';
      if (!RETRYABLE.has(exchange.status) && !cutOff) return refuse(exchange);
      if (failures >= retryDelaysMs.length) {
        throw new ApiError(0, 'network', `The upload was interrupted: the pod could not be reached after ${failures} attempts (${Math.round(offset / size * 100)} % sent)`);
      }
      const delay = retryDelaysMs[failures];
      failures++;
      onConnection?.({ lost: true, attempt: failures, retryInMs: delay });
      await wait(delay);
    }
  }

  const done = run();
  return {
    done,
    abort: () => {
      controller.abort();
      // The pod would keep the bytes until they expire: say they are not wanted.
      if (location) void transport({ method: 'DELETE', url: location, headers: auth(), signal: new AbortController().signal }).catch(() => undefined);
    },
  };
}

/** XMLHttpRequest, for its upload progress events (fetch has none). */
export const xhrTransport: Transport = (request) =>
  new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(request.method, request.url);
    for (const [name, value] of Object.entries(request.headers)) xhr.setRequestHeader(name, value);
    if (request.onProgress) {
      const report = request.onProgress;
      xhr.upload.addEventListener('progress', (event) => report(event.loaded));
    }
    const onAbort = () => xhr.abort();
    request.signal.addEventListener('abort', onAbort, { once: true });
    const settle = () => request.signal.removeEventListener('abort', onAbort);
    xhr.addEventListener('load', () => {
      settle();
      let body: unknown = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = null;
      }
      resolve({ status: xhr.status, header: (name) => xhr.getResponseHeader(name), body });
    });
    xhr.addEventListener('error', () => (settle(), resolve({ status: 0, header: () => null, body: null })));
    xhr.addEventListener('timeout', () => (settle(), resolve({ status: 0, header: () => null, body: null })));
    xhr.addEventListener('abort', () => (settle(), reject(new DOMException('The upload was cancelled', 'AbortError'))));
    xhr.send(request.body ?? null);
  });

/**
 * The pure half of a resumable upload's PUT (PeerTube's protocol, node-uploadx's `proto.md`):
 * what the headers ask for, and what the pod does about it given how many bytes it holds.
 * No I/O here: resumable-uploads.ts reads the body and writes the file.
 */

/** What a PUT asks: the bytes it holds (`start`..`end` inclusive) of a file of `total`, or only the offset. */
export type ChunkRequest = { kind: 'status'; total: number } | { kind: 'chunk'; start: number; end: number; total: number };

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

const STATUS = /^bytes \*\/(\d{1,16})$/;
const RANGE = /^bytes (\d{1,16})-(\d{1,16})\/(\d{1,16})$/;

/**
 * `Content-Range: bytes 0-262143/2469036` with `Content-Length: 262144` sends bytes;
 * `Content-Range: bytes *\/2469036` with no body asks how many the pod holds. A chunk must
 * say its length (Content-Length equal to its range): a chunked body could carry more than
 * its range, and the pod checks the range before reading a byte.
 */
export function parseChunkRequest(contentRange: string | undefined, contentLength: string | undefined, chunked: boolean): Parsed<ChunkRequest> {
  const length = contentLength === undefined ? null : /^\d{1,16}$/.test(contentLength) ? Number(contentLength) : Number.NaN;
  if (Number.isNaN(length)) return { ok: false, problem: `Content-Length: not a byte count (${JSON.stringify(contentLength)})` };
  if (contentRange === undefined) return { ok: false, problem: 'Content-Range: required (`bytes FIRST-LAST/SIZE` with the chunk, `bytes */SIZE` to ask for the offset)' };
  const status = STATUS.exec(contentRange.trim());
  if (status) {
    if (chunked || (length !== null && length > 0)) return { ok: false, problem: 'Content-Range: `bytes */SIZE` asks for the offset and takes no body' };
    return safe(Number(status[1])) ? { ok: true, value: { kind: 'status', total: Number(status[1]) } } : { ok: false, problem: 'Content-Range: SIZE is too large' };
  }
  const range = RANGE.exec(contentRange.trim());
  if (!range) return { ok: false, problem: `Content-Range: not \`bytes FIRST-LAST/SIZE\` nor \`bytes */SIZE\` (${JSON.stringify(contentRange.slice(0, 80))})` };
  const [start, end, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
  if (![start, end, total].every(safe)) return { ok: false, problem: 'Content-Range: a number is too large' };
  if (end < start) return { ok: false, problem: `Content-Range: the last byte (${end}) is before the first (${start})` };
  if (chunked || length === null) return { ok: false, problem: 'Content-Length: required with a chunk (no chunked transfer encoding)' };
  if (length !== end - start + 1) return { ok: false, problem: `Content-Length: ${length} bytes for a range of ${end - start + 1}` };
  return { ok: true, value: { kind: 'chunk', start, end, total } };
}

export type ChunkDecision =
  /** Answer the offset (308), or the outcome when every byte is there. */
  | { action: 'status' }
  /** Read the body at `start` (the offset), `length` bytes. */
  | { action: 'write'; start: number; length: number }
  /** A byte past the size declared at the start (itself within uploads.maxBytes): the upload is dropped (413). */
  | { action: 'too-large' }
  /** Not at the offset (409, with the offset to resume from). */
  | { action: 'offset-mismatch'; offset: number }
  /** The range names another size than the one declared (400). */
  | { action: 'size-mismatch'; size: number };

/** The upload holds `offset` bytes of `size`; decides what to do with `request`. */
export function decideChunk(upload: { size: number; offset: number }, request: ChunkRequest): ChunkDecision {
  if (request.kind === 'chunk' && (request.end >= upload.size || request.total > upload.size)) return { action: 'too-large' };
  if (request.total !== upload.size) return { action: 'size-mismatch', size: upload.size };
  if (request.kind === 'status') return { action: 'status' };
  if (request.start !== upload.offset) return { action: 'offset-mismatch', offset: upload.offset };
  return { action: 'write', start: request.start, length: request.end - request.start + 1 };
}

/** The `Range` header of a 308 or a 409: the bytes held, none when nothing arrived yet (as node-uploadx and Google do). */
export function heldRange(offset: number): string | null {
  return offset > 0 ? `bytes=0-${offset - 1}` : null;
}

function safe(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

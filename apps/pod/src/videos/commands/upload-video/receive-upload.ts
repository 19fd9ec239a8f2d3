import busboy from 'busboy';
import { randomUUID } from 'node:crypto';
import { createWriteStream, statfsSync, type WriteStream } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { choosePieceLength, hashingTap, PieceHasher } from '@swarmtube/torrent';
import { ProblemError } from '../../../http/problem.js';
import { UploadReadAhead, type ReadAhead } from './upload-read-ahead.js';

/** What arrived: the form's text fields and the video, on disk under a temporary name. */
export interface ReceivedUpload {
  fields: { name?: string; description?: string; tags?: string[] };
  file: {
    path: string;
    size: number;
    /** As the client declared it; ffprobe decides what the file really is. */
    declaredType: string;
    filename: string;
    /** SHA-1 of each piece, hashed while the bytes streamed in; null when the size was not announced. */
    pieces: { pieceLength: number; pieces: Buffer } | null;
    /** ffprobe and the thumbnail, run while the bytes streamed in; judged against the whole file by uploadVideo. */
    readAhead: ReadAhead;
  };
}

export interface UploadLimits {
  maxBytes: number;
  /** Refuse an upload that would leave less than this free on the data disk. */
  minFreeBytes: number;
}

const FIELD_NAMES = new Set(['name', 'description', 'tags', 'tags[]']);
/** Room for the multipart framing and the text fields around the file. */
const FORM_OVERHEAD_BYTES = 1024 * 1024;
/** Declared types we let through to ffprobe: browsers and curl send these for video files. */
export const ACCEPTED_TYPES = /^(video\/[a-z0-9.+-]+|application\/octet-stream|application\/mp4|application\/x-matroska)$/i;

/**
 * Streams a multipart upload (`videofile`, `name`, `description`, `tags`) to `dir`,
 * hashing torrent pieces on the way so that the video is seedable as soon as it has been
 * probed, and probing it on the way too when it can be (UploadReadAhead). Whatever goes
 * wrong (too big, cut off, disk full, wrong type), the partial file and whatever was made
 * from it are removed before the error propagates: a refused upload leaves nothing behind.
 *
 * `openFile` exists for the test that fills a real disk (/dev/full).
 */
export async function receiveUpload(
  req: IncomingMessage,
  dir: string,
  limits: UploadLimits,
  openFile: (path: string) => WriteStream = (path) => createWriteStream(path, { flags: 'wx', mode: 0o600 }),
): Promise<ReceivedUpload> {
  const contentType = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    throw new ProblemError('unsupported-media-type', 'send the video as multipart/form-data with the file in the "videofile" field');
  }
  const announced = Number(req.headers['content-length']);
  const sizeKnown = Number.isSafeInteger(announced) && announced > 0;
  if (sizeKnown && announced > limits.maxBytes + FORM_OVERHEAD_BYTES) {
    await drain(req, null, announced);
    throw new ProblemError('payload-too-large', `the upload is ${announced} bytes; this pod takes videos of at most ${limits.maxBytes} bytes`, { maxBytes: limits.maxBytes });
  }
  try {
    checkFreeSpace(dir, (sizeKnown ? announced : 0) + limits.minFreeBytes);
  } catch (error) {
    await drain(req, null, sizeKnown ? announced : null);
    throw error;
  }

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      limits: { files: 1, fileSize: limits.maxBytes, fields: 12, fieldSize: 16 * 1024, fieldNameSize: 64, parts: 16, headerPairs: 32 },
    });
  } catch (error) {
    throw new ProblemError('invalid-body', `not a valid multipart body: ${(error as Error).message}`);
  }

  const fields: ReceivedUpload['fields'] = {};
  const problems: string[] = [];
  let wrongType: string | null = null;
  /** Set when the pod itself stops reading: the errors that follow (cut-off form, closed file) are its consequences. */
  let refusal: ProblemError | null = null;
  let saved: Promise<Omit<ReceivedUpload['file'], 'readAhead'>> | null = null;
  let partialPath: string | null = null;
  let readAhead: UploadReadAhead | null = null;

  parser.on('field', (name, value, info) => {
    if (info.valueTruncated) problems.push(`${name}: too long`);
    else if (!FIELD_NAMES.has(name)) problems.push(`${name}: unknown field`);
    else if (name === 'tags' || name === 'tags[]') (fields.tags ??= []).push(value);
    else if (Object.hasOwn(fields, name)) problems.push(`${name}: sent twice`);
    else fields[name as 'name' | 'description'] = value;
  });
  parser.on('file', (name, stream, info) => {
    if (name !== 'videofile' || saved) {
      problems.push(name === 'videofile' ? 'videofile: only one file per upload' : `${name}: unexpected file (the video goes in "videofile")`);
      stream.resume();
      return;
    }
    if (!ACCEPTED_TYPES.test(info.mimeType)) {
      wrongType = info.mimeType;
      stream.resume();
      return;
    }
    // Over the limit, stop reading at once rather than discard gigabytes that follow.
    stream.on('limit', () => {
      refusal = new ProblemError('payload-too-large', `the video is larger than this pod accepts (${limits.maxBytes} bytes)`, { maxBytes: limits.maxBytes });
      req.unpipe(parser);
      // Not from inside busboy's own write: it still holds the file stream it is truncating.
      const stopped = refusal;
      setImmediate(() => parser.destroy(stopped));
    });
    partialPath = join(dir, `${randomUUID()}.part`);
    readAhead = new UploadReadAhead(partialPath);
    saved = saveFile(stream, partialPath, sizeKnown ? announced : null, openFile, readAhead).then((result) => ({
      ...result,
      declaredType: info.mimeType.toLowerCase(),
      filename: info.filename ?? '',
    }));
    // If writing fails (disk full), stop reading the form too: busboy would otherwise wait
    // for the dead file stream to be drained and the request would never be answered.
    saved.catch((error: unknown) => {
      if (error instanceof ProblemError && error.code === 'insufficient-storage') refusal ??= error;
      if (!parser.destroyed) {
        req.unpipe(parser);
        setImmediate(() => parser.destroy(error as Error));
      }
    });
  });
  // busboy drops every file part past `files: 1` without a 'file' event: say so, or a second video would go unnoticed.
  parser.on('filesLimit', () => problems.push('videofile: only one file per upload'));
  parser.on('partsLimit', () => problems.push('too many parts in the form'));
  parser.on('fieldsLimit', () => problems.push('too many fields in the form'));

  const removePartial = async () => {
    await (readAhead as UploadReadAhead | null)?.discard();
    if (partialPath) await unlink(partialPath).catch(() => undefined);
  };
  try {
    let formError: unknown = null;
    await pipeline(req, parser).catch((error: unknown) => (formError = error));
    const outcome = saved ? await (saved as Promise<Omit<ReceivedUpload['file'], 'readAhead'>>).then((file) => ({ file }), (error: unknown) => ({ error })) : null;
    if (refusal) throw refusal;
    // The file's own failure (disk full, too big, empty) says more than the form's that followed it.
    if (outcome && 'error' in outcome && outcome.error instanceof ProblemError) throw outcome.error;
    if (formError) throw formProblem(formError as NodeJS.ErrnoException, req);
    if (outcome && 'error' in outcome) throw outcome.error;
    if (wrongType !== null) throw new ProblemError('unsupported-media-type', `videofile: a file sent as ${wrongType} is not a video (send video/*)`);
    if (!outcome) problems.push('videofile: required');
    if (problems.length > 0) throw new ProblemError('invalid-body', problems.join('; '), { problems });
    const file = (outcome as { file: Omit<ReceivedUpload['file'], 'readAhead'> }).file;
    // Set with the file. Whatever still waits for bytes is stopped: the file is whole now.
    const ahead = await (readAhead as UploadReadAhead | null)!.settle();
    return { fields, file: { ...file, readAhead: ahead } };
  } catch (error) {
    await removePartial();
    await drain(req, parser, sizeKnown ? announced : null);
    throw error;
  }
}

/** After a refusal, bytes the client still sends are read and dropped, up to this many or this long. */
const DISCARD_LIMIT_BYTES = 64 * 1024 * 1024;
const DISCARD_LIMIT_MS = 10_000;

/**
 * Before answering a refusal, reads and drops what the client still sends: a server that
 * closes a connection with unread bytes makes the kernel reset it, and the client may lose
 * the answer (413, 507); a connection whose request was read to the end stays usable. A
 * client that would send more than the bounds allow gets the answer with `Connection:
 * close` and is cut off.
 */
export async function drain(req: IncomingMessage & { res?: ServerResponse }, parser: NodeJS.WritableStream | null, announcedBytes: number | null): Promise<void> {
  if (parser) req.unpipe(parser);
  const giveUp = () => {
    if (req.res && !req.res.headersSent) req.res.setHeader('Connection', 'close');
  };
  if (req.destroyed) return;
  if (req.readableEnded) {
    if (announcedBytes === null) giveUp();
    return;
  }
  if (announcedBytes !== null && announcedBytes > DISCARD_LIMIT_BYTES) return giveUp();
  const drained = await new Promise<boolean>((resolve) => {
    let discarded = 0;
    const timer = setTimeout(() => resolve(false), DISCARD_LIMIT_MS);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      resolve(ok);
    };
    req.on('data', (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > DISCARD_LIMIT_BYTES) done(false);
    });
    req.once('end', () => done(true));
    req.once('close', () => done(req.readableEnded));
    req.once('error', () => done(false));
    req.resume();
  });
  // A chunked body refused early is where clients disagree on whether the connection is
  // still usable (undici reused it and lost its next request): close it.
  if (!drained || announcedBytes === null) giveUp();
}

function formProblem(error: NodeJS.ErrnoException, req: IncomingMessage): ProblemError {
  if (error instanceof ProblemError) return error;
  if (req.destroyed || error.code === 'ERR_STREAM_PREMATURE_CLOSE' || /Unexpected end of form/i.test(error.message)) {
    return new ProblemError('upload-aborted', 'the upload was cut off before the end of the form');
  }
  return new ProblemError('invalid-body', `not a valid multipart body: ${error.message}`);
}

async function saveFile(
  source: NodeJS.ReadableStream & { truncated?: boolean },
  path: string,
  announcedBytes: number | null,
  openFile: (path: string) => WriteStream,
  readAhead: UploadReadAhead,
): Promise<{ path: string; size: number; pieces: ReceivedUpload['file']['pieces'] }> {
  // The form's size bounds the file's: a piece length chosen from it is one create-torrent
  // could have chosen, and the pieces can be hashed as the bytes arrive.
  const pieceLength = announcedBytes === null ? null : choosePieceLength(announcedBytes);
  const hasher = pieceLength === null ? null : new PieceHasher(pieceLength);
  let tooBig = false;
  source.on('limit', () => (tooBig = true));
  try {
    const sink = openFile(path);
    if (hasher) await pipeline(source, hashingTap(hasher), readAhead.tap(), sink);
    else await pipeline(source, readAhead.tap(), sink);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOSPC') {
      throw new ProblemError('insufficient-storage', 'the pod ran out of disk space while receiving the video');
    }
    throw error;
  }
  const size = hasher ? hasher.length : (await stat(path)).size;
  if (tooBig || source.truncated) throw new ProblemError('payload-too-large', 'the video is larger than this pod accepts');
  if (size === 0) throw new ProblemError('empty-file', 'the video file is empty');
  const digest = hasher?.finish();
  return { path, size, pieces: digest && pieceLength !== null ? { pieceLength, pieces: digest.pieces } : null };
}

export function checkFreeSpace(dir: string, neededBytes: number): void {
  const stats = statfsSync(dir);
  const free = stats.bavail * stats.bsize;
  if (free < neededBytes) {
    throw new ProblemError('insufficient-storage', `the pod has ${free} bytes free on its data disk and needs ${neededBytes} to take this upload`);
  }
}

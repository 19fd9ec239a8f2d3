import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { choosePieceLength, PieceHasher } from '@swarmtube/torrent';
import { ProblemError, type ProblemCode } from '../../../http/problem.js';
import type { PodLogger } from '../../../logger/pod-logger.js';
import type { Session as Caller } from '../../../users/local-accounts.js';
import { parseVideoFields, type VideoFields } from '../../domain/video-fields.js';
import { isTemporaryName, writeBytesAtomically } from '../../media/atomic-output.js';
import { ACCEPTED_TYPES, checkFreeSpace, drain, type ReceivedUpload } from '../upload-video/receive-upload.js';
import { UploadReadAhead } from '../upload-video/upload-read-ahead.js';
import { decideChunk, parseChunkRequest } from './chunk-decision.js';
import { ChunkWriter } from './chunk-writer.js';

/** What is kept on disk about an upload (`<id>.json`, written once at the start and once at the end). */
interface UploadRecord {
  version: 1;
  id: string;
  owner: string;
  size: number;
  declaredType: string;
  filename: string;
  fields: VideoFields;
  createdAt: string;
  /** Set once every byte arrived and the upload was handed to the video job (or refused). */
  outcome?: Outcome;
  completedAt?: string;
}

type Outcome = { uuid: string } | { problem: { code: ProblemCode; message: string; extra: Record<string, unknown> } };

/** One upload between its chunks. */
interface Upload {
  record: UploadRecord;
  /** Bytes in `<id>.part`. */
  offset: number;
  /** The pieces of those bytes; null after a restart or a failed write (rebuilt from the file before the next chunk). */
  hasher: PieceHasher | null;
  /** ffprobe and the thumbnail on the bytes as they arrive (the multipart upload's read ahead); only for an upload received by this process from its first byte. */
  readAhead: UploadReadAhead | null;
  lastActivity: number;
  /** The request writing into it now, and how to stop it. */
  current: { abort(): void } | null;
  /** Operations on one upload run one after the other. */
  queue: Promise<unknown>;
  removed: boolean;
}

export type ChunkAnswer = { kind: 'incomplete'; offset: number; size: number } | { kind: 'complete'; uuid: string };

/** Hands a whole upload to the video job (UploadVideoCommand, as a multipart upload): `{uuid}`, or a refusal. */
export type Completer = (received: ReceivedUpload, by: Caller) => Promise<{ uuid: string }>;

export interface ResumableLimits {
  maxBytes: number;
  minFreeBytes: number;
  expirySeconds: number;
}

/** Unfinished uploads one user may hold at once: each may reserve up to uploads.maxBytes of disk. */
export const MAX_OPEN_UPLOADS_PER_USER = 10;
const ID = /^[0-9a-f]{32}$/;
/** PeerTube's init also takes these; Swarmtube has no channels, privacy levels or categories: they are accepted and ignored. */
const PEERTUBE_FIELDS_IGNORED = new Set([
  'channelId',
  'privacy',
  'category',
  'licence',
  'language',
  'nsfw',
  'commentsEnabled',
  'commentsPolicy',
  'downloadEnabled',
  'waitTranscoding',
  'generateTranscription',
  'support',
  'originallyPublishedAt',
  'scheduleUpdate',
  'videoPasswords',
]);
const FILENAME_MAX = 255;

/**
 * Resumable uploads, PeerTube's protocol (`POST /api/v1/videos/upload-resumable` then `PUT`s
 * with Content-Range, `DELETE` to cancel; docs/videos.md). Each upload is `<id>.json` (who,
 * what, how big) and `<id>.part` (the bytes so far) in `<dataDir>/resumable-uploads/`, so it
 * survives a restart of the pod; in memory it also has its piece hasher, fed as chunks are
 * written, so the last chunk finds the torrent's pieces ready as a multipart upload does.
 * The whole file goes to the same video job as a multipart upload (the Completer).
 *
 * An upload belongs to the user who started it: for anyone else its id does not exist (404).
 * No chunk for `uploads.resumableExpirySeconds`: it is removed with its bytes.
 */
export class ResumableUploads implements OnModuleInit, OnModuleDestroy {
  private readonly uploads = new Map<string, Upload>();
  private sweeper: NodeJS.Timeout | null = null;
  readonly dir: string;

  constructor(
    dir: string,
    /** Where whole uploads go for the video job: the uploads folder, whose sweep at start keeps the files of jobs. */
    private readonly uploadsDir: string,
    private readonly limits: ResumableLimits,
    private readonly logger: PodLogger,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.dir = dir;
  }

  /** Loads the uploads a previous run left (offset = the bytes in the file), drops broken and expired ones, starts the sweep. */
  async open(): Promise<void> {
    const names = readdirSync(this.dir);
    for (const name of names) {
      if (isTemporaryName(name)) await rm(join(this.dir, name), { force: true });
    }
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const id = name.slice(0, -'.json'.length);
      const record = await readFile(join(this.dir, name), 'utf8').then((text) => JSON.parse(text) as UploadRecord).catch(() => null);
      const part = statOrNull(this.partPath(id));
      if (!ID.test(id) || !record || record.id !== id || (!part && !record.outcome) || (part && part.size > record.size)) {
        await this.removeFiles(id);
        continue;
      }
      const changed = Math.max(part?.mtimeMs ?? 0, statOrNull(join(this.dir, name))?.mtimeMs ?? 0);
      this.uploads.set(id, { record, offset: part?.size ?? record.size, hasher: null, readAhead: null, lastActivity: changed, current: null, queue: Promise.resolve(), removed: false });
    }
    // Bytes of no upload (a crash between the two files of a start).
    const known = new Set(this.uploads.keys());
    for (const name of readdirSync(this.dir)) {
      if (!known.has(name.split('.')[0])) await rm(join(this.dir, name), { force: true });
    }
    await this.sweep();
    const everyMs = Math.max(250, Math.min(this.limits.expirySeconds * 500, 10 * 60_000));
    this.sweeper = setInterval(() => void this.sweep().catch((error) => this.logger.error(`resumable uploads: sweep failed: ${String(error)}`)), everyMs);
    this.sweeper.unref();
  }

  onModuleInit(): Promise<void> {
    return this.open();
  }

  onModuleDestroy(): void {
    this.close();
  }

  close(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    for (const upload of this.uploads.values()) {
      upload.current?.abort();
      void upload.readAhead?.settle();
    }
  }

  /** The uploads not yet finished (for tests and the sweep). */
  openUploads(): number {
    return [...this.uploads.values()].filter((upload) => !upload.record.outcome).length;
  }

  /**
   * `POST`: checks everything that can be checked before a byte is sent (size, type, the
   * video's fields, free space) and makes an empty upload.
   */
  async start(by: Caller, input: { size: unknown; type: unknown; body: unknown }): Promise<{ id: string; size: number; expiresAt: string }> {
    const problems: string[] = [];
    const sizeText = typeof input.size === 'string' ? input.size.trim() : '';
    const size = /^\d{1,16}$/.test(sizeText) ? Number(sizeText) : Number.NaN;
    if (!Number.isSafeInteger(size)) problems.push(`X-Upload-Content-Length: required, the file's size in bytes (got ${JSON.stringify(input.size ?? null)})`);
    const declaredType = input.type === undefined ? 'application/octet-stream' : typeof input.type === 'string' ? input.type.trim().toLowerCase() : '';
    if (input.body === null || typeof input.body !== 'object' || Array.isArray(input.body)) {
      problems.push('body: the video\'s fields as a JSON object (`{"name": …, "description": …, "tags": […], "filename": …}`)');
      throw new ProblemError('invalid-body', problems.join('; '), { problems });
    }
    const { filename: rawFilename, ...rest } = input.body as Record<string, unknown>;
    const fieldsOnly = Object.fromEntries(Object.entries(rest).filter(([key]) => !PEERTUBE_FIELDS_IGNORED.has(key)));
    const filename = rawFilename === undefined ? '' : typeof rawFilename === 'string' && rawFilename.length <= FILENAME_MAX && !/[\u0000-\u001f\u007f]/.test(rawFilename) ? rawFilename : null;
    if (filename === null) problems.push(`filename: a string of at most ${FILENAME_MAX} characters on one line`);
    const parsed = parseVideoFields(fieldsOnly, { partial: false });
    if (!parsed.ok) problems.push(...parsed.problems);
    if (problems.length > 0) throw new ProblemError('invalid-body', problems.join('; '), { problems });
    if (size === 0) throw new ProblemError('empty-file', 'the video file is empty');
    if (size > this.limits.maxBytes) {
      throw new ProblemError('payload-too-large', `the video is ${size} bytes; this pod takes videos of at most ${this.limits.maxBytes} bytes`, { maxBytes: this.limits.maxBytes });
    }
    if (!ACCEPTED_TYPES.test(declaredType)) throw new ProblemError('unsupported-media-type', `X-Upload-Content-Type: a file sent as ${declaredType || 'nothing'} is not a video (send video/*)`);
    const mine = [...this.uploads.values()].filter((upload) => upload.record.owner === by.username && !upload.record.outcome).length;
    if (mine >= MAX_OPEN_UPLOADS_PER_USER) {
      throw new ProblemError('rate-limited', `you have ${mine} unfinished uploads: finish or cancel one (DELETE) first`, { retryAfterSeconds: Math.ceil(this.limits.expirySeconds) });
    }
    checkFreeSpace(this.dir, size + this.limits.minFreeBytes);

    const id = randomBytes(16).toString('hex');
    const record: UploadRecord = {
      version: 1,
      id,
      owner: by.username,
      size,
      declaredType,
      filename: filename ?? '',
      fields: parsed.ok ? (parsed.value as VideoFields) : { name: '', description: '', tags: [] },
      createdAt: new Date(this.now()).toISOString(),
    };
    await writeFile(this.partPath(id), Buffer.alloc(0), { flag: 'wx', mode: 0o600 });
    await writeBytesAtomically(this.recordPath(id), Buffer.from(JSON.stringify(record)));
    const readAhead = new UploadReadAhead(this.partPath(id));
    this.uploads.set(id, { record, offset: 0, hasher: new PieceHasher(choosePieceLength(size)), readAhead, lastActivity: this.now(), current: null, queue: Promise.resolve(), removed: false });
    return { id, size, expiresAt: this.expiresAt(this.now()) };
  }

  /**
   * `PUT ?upload_id=`: a chunk at the offset, or (`Content-Range: bytes *\/SIZE`, no body) a
   * question for the offset. A request still writing into the same upload is cut off first:
   * its client has given up on it (it would not send another one otherwise), and the offset
   * answered is what the file holds once it has stopped.
   */
  async put(req: IncomingMessage, by: Caller, id: unknown, complete: Completer): Promise<ChunkAnswer> {
    const announced = Number(req.headers['content-length']);
    const bodyBytes = Number.isSafeInteger(announced) ? announced : null;
    let upload: Upload;
    let request: ReturnType<typeof parseChunkRequest>;
    try {
      upload = this.owned(id, by);
      const type = (req.headers['content-type'] ?? 'application/octet-stream').split(';')[0].trim().toLowerCase();
      if (type !== 'application/octet-stream') throw new ProblemError('unsupported-media-type', `send chunks as application/octet-stream (got ${type})`);
      request = parseChunkRequest(req.headers['content-range'], req.headers['content-length'], req.headers['transfer-encoding'] !== undefined);
      if (!request.ok) throw new ProblemError('invalid-content-range', request.problem);
    } catch (error) {
      await drain(req, null, bodyBytes);
      throw error;
    }
    const chunk = request.value;
    upload.current?.abort();
    return this.exclusive(upload, async () => {
      try {
        if (upload.removed) throw notFound();
        if (upload.record.outcome) return answerOf(upload.record.outcome);
        const decision = decideChunk({ size: upload.record.size, offset: upload.offset }, chunk);
        switch (decision.action) {
          case 'too-large':
            await this.remove(upload);
            throw new ProblemError('payload-too-large', `this upload was started for ${upload.record.size} bytes: a chunk past them ends it (start again with the right size)`, {
              maxBytes: this.limits.maxBytes,
            });
          case 'size-mismatch':
            throw new ProblemError('invalid-content-range', `this upload is ${decision.size} bytes, not ${chunk.total}`);
          case 'offset-mismatch':
            throw new ProblemError('upload-offset-mismatch', `the pod holds ${decision.offset} bytes of this upload: send the chunk that starts there`, { offset: decision.offset });
          case 'status':
            break;
          case 'write':
            checkFreeSpace(this.dir, decision.length + this.limits.minFreeBytes);
            await this.write(upload, req, decision.start);
            break;
        }
      } catch (error) {
        await drain(req, null, bodyBytes);
        throw error;
      }
      if (upload.offset < upload.record.size) return { kind: 'incomplete', offset: upload.offset, size: upload.record.size };
      return this.finish(upload, by, complete);
    });
  }

  /** `DELETE ?upload_id=`: the upload and its bytes are gone (a finished upload's video stays: DELETE /api/v1/videos/{uuid} removes that). */
  async cancel(by: Caller, id: unknown): Promise<void> {
    const upload = this.owned(id, by);
    upload.current?.abort();
    await this.exclusive(upload, () => this.remove(upload));
  }

  /** Removes what got no chunk for uploads.resumableExpirySeconds, and finished uploads' answers as old. */
  async sweep(): Promise<number> {
    const limit = this.now() - this.limits.expirySeconds * 1000;
    let removed = 0;
    for (const upload of [...this.uploads.values()]) {
      if (upload.current || upload.lastActivity > limit) continue;
      await this.exclusive(upload, async () => {
        if (upload.removed || upload.current || upload.lastActivity > limit) return;
        if (!upload.record.outcome) this.logger.log(`resumable upload ${upload.record.id} of ${upload.record.owner}: no chunk for ${this.limits.expirySeconds} s, removed with its ${upload.offset} bytes`);
        await this.remove(upload);
        removed++;
      });
    }
    return removed;
  }

  private owned(id: unknown, by: Caller): Upload {
    const upload = typeof id === 'string' && ID.test(id) ? this.uploads.get(id) : undefined;
    // Another user's upload is reported exactly as one that does not exist: ids cannot be probed.
    if (!upload || upload.removed || upload.record.owner !== by.username) throw notFound();
    return upload;
  }

  private async write(upload: Upload, req: IncomingMessage, start: number): Promise<void> {
    if (!upload.hasher) upload.hasher = await this.rehash(upload);
    const file = await open(this.partPath(upload.record.id), 'r+');
    const writer = new ChunkWriter(file, start, upload.hasher);
    upload.current = { abort: () => req.destroy() };
    let failure: unknown = null;
    try {
      await pipeline(req, upload.readAhead?.tap() ?? new PassThrough(), writer).catch((error: unknown) => (failure = error));
      await writer.settled();
    } finally {
      upload.current = null;
      await file.close().catch(() => undefined);
    }
    upload.offset = writer.position;
    upload.lastActivity = this.now();
    if (!writer.hashedInStep()) upload.hasher = null;
    if (failure) {
      if ((failure as NodeJS.ErrnoException).code === 'ENOSPC') throw new ProblemError('insufficient-storage', 'the pod ran out of disk space while receiving this chunk: the bytes before it are kept');
      // The client went away (or another request of its own took over): what arrived is kept.
      throw new ProblemError('upload-aborted', `the chunk was cut off after ${writer.position - start} bytes: the upload holds ${writer.position}`, { offset: writer.position });
    }
  }

  /** After a restart or a failed write: the pieces of the bytes already held, read back from the file. */
  private async rehash(upload: Upload): Promise<PieceHasher> {
    const hasher = new PieceHasher(choosePieceLength(upload.record.size));
    if (upload.offset > 0) {
      for await (const chunk of createReadStream(this.partPath(upload.record.id), { start: 0, end: upload.offset - 1, highWaterMark: 1024 * 1024 })) hasher.update(chunk as Buffer);
    }
    // The read ahead needs the upload from its first byte.
    await upload.readAhead?.discard();
    upload.readAhead = null;
    return hasher;
  }

  /** Every byte is there: the file goes to the video job, exactly as a multipart upload's. */
  private async finish(upload: Upload, by: Caller, complete: Completer): Promise<ChunkAnswer> {
    const { record } = upload;
    if (!upload.hasher) upload.hasher = await this.rehash(upload);
    const pieceLength = upload.hasher.pieceLength;
    const { pieces } = upload.hasher.finish();
    upload.hasher = null;
    const ahead = (await upload.readAhead?.settle()) ?? { described: null, thumbnailPath: null };
    upload.readAhead = null;
    // Into the uploads folder under a fresh name, where the job takes it (its sweep at start keeps job-owned files).
    const path = join(this.uploadsDir, `${randomUUID()}.part`);
    await rename(this.partPath(record.id), path);
    let thumbnailPath: string | null = null;
    if (ahead.thumbnailPath) {
      thumbnailPath = `${path}.jpg`;
      await rename(ahead.thumbnailPath, thumbnailPath).catch(() => (thumbnailPath = null));
    }
    const received: ReceivedUpload = {
      fields: record.fields,
      file: { path, size: record.size, declaredType: record.declaredType, filename: record.filename, pieces: { pieceLength, pieces }, readAhead: { described: ahead.described, thumbnailPath } },
    };
    let outcome: Outcome;
    try {
      outcome = await complete(received, by);
    } catch (error) {
      // The job's refusal (not a video, cut off…) or the pod's own failure: either way the file is gone (uploadVideo removed it).
      if (!(error instanceof ProblemError)) this.logger.error(`resumable upload ${record.id}: handing it to the video job failed: ${(error as Error)?.stack ?? String(error)}`);
      outcome = error instanceof ProblemError ? { problem: { code: error.code, message: error.message, extra: error.extra } } : { problem: { code: 'internal', message: 'internal error', extra: {} } };
    } finally {
      upload.lastActivity = this.now();
    }
    // Kept until it expires, for a client whose connection dropped before the answer to its last chunk.
    record.outcome = outcome;
    record.completedAt = new Date(this.now()).toISOString();
    await writeBytesAtomically(this.recordPath(record.id), Buffer.from(JSON.stringify(record)));
    return answerOf(outcome);
  }

  private async remove(upload: Upload): Promise<void> {
    upload.removed = true;
    this.uploads.delete(upload.record.id);
    await upload.readAhead?.discard();
    upload.readAhead = null;
    await this.removeFiles(upload.record.id);
  }

  private async removeFiles(id: string): Promise<void> {
    await Promise.all([rm(this.partPath(id), { force: true }), rm(this.recordPath(id), { force: true }), rm(`${this.partPath(id)}.jpg`, { force: true })]);
  }

  private exclusive<T>(upload: Upload, work: () => Promise<T>): Promise<T> {
    const result = upload.queue.then(work);
    upload.queue = result.catch(() => undefined);
    return result;
  }

  private expiresAt(from: number): string {
    return new Date(from + this.limits.expirySeconds * 1000).toISOString();
  }

  private partPath(id: string): string {
    return join(this.dir, `${id}.part`);
  }

  private recordPath(id: string): string {
    return join(this.dir, `${id}.json`);
  }
}

function answerOf(outcome: Outcome): ChunkAnswer {
  if ('uuid' in outcome) return { kind: 'complete', uuid: outcome.uuid };
  throw new ProblemError(outcome.problem.code, outcome.problem.message, outcome.problem.extra);
}

function notFound(): ProblemError {
  return new ProblemError('upload-not-found', 'no such upload: it never existed, was cancelled, expired, or is not yours');
}

function statOrNull(path: string): { size: number; mtimeMs: number } | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

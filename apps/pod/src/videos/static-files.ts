import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { ServerResponse } from 'node:http';
import { ProblemError } from '../http/problem.js';
import type { SentBytes, ServedBytes } from '../tracker/served-bytes.js';
import type { VideoStorage } from './video-storage.js';

const YEAR_SECONDS = 365 * 24 * 3600;

/** Browsers on other pods' sites fetch web seeds and torrents with Range: let them read the answer. */
function allowAnyOrigin(res: Response): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', 'Content-Range, Content-Length, Accept-Ranges');
}

/**
 * `/static/web-videos/` (the web seed: HTTP Range, BEP 19), `/static/torrents/` and
 * `/static/thumbnails/`. Files are named by uuid and never rewritten, so they are cached as
 * immutable. A missing file falls through to the API's 404 (problem+json).
 */
export function mountStaticFiles(app: Express, storage: VideoStorage, served: ServedBytes): void {
  const options = (type?: string) => ({
    index: false as const,
    dotfiles: 'deny' as const,
    acceptRanges: true,
    maxAge: YEAR_SECONDS * 1000,
    immutable: true,
    setHeaders(res: Response) {
      allowAnyOrigin(res);
      if (type) res.setHeader('Content-Type', type);
    },
  });
  app.options(/^\/static\//, (_req, res) => {
    allowAnyOrigin(res);
    res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Range, Cache-Control, User-Agent');
    res.setHeader('Access-Control-Max-Age', '86400');
    res.status(204).end();
  });
  app.use('/static/web-videos', countWebSeedBytes(served), express.static(storage.webVideosDir, options()));
  app.use('/static/torrents', express.static(storage.torrentsDir, options('application/x-bittorrent')));
  app.use('/static/thumbnails', express.static(storage.thumbnailsDir, options('image/jpeg')));
  // A range past the end: send (under express.static) says 416 with `Content-Range: bytes */<size>`;
  // the problem filter answers it with its own code (it would otherwise pass for a bad body).
  app.use('/static', (error: { status?: number; headers?: Record<string, string> }, _req: Request, res: Response, next: NextFunction) => {
    if (error?.status !== 416) return next(error);
    for (const [name, value] of Object.entries(error.headers ?? {})) res.setHeader(name, value);
    next(new ProblemError('range-not-satisfiable', 'the requested range is not within the file'));
  });
}

/** The tally a web seed response adds to (undefined: a file of no video the pod serves now). */
const TALLY = Symbol('swarmtube.webSeedTally');
/** The response's own write (another middleware may have wrapped it already). */
const WRITE = Symbol('swarmtube.webSeedWrite');
type CountedResponse = ServerResponse & { [TALLY]?: SentBytes; [WRITE]: (...args: unknown[]) => boolean };

/**
 * Counts the bytes of the file each web seed response writes: what `send` hands to the socket
 * (a Range answer counts its range, an aborted transfer what was written before the client
 * left), not the file's size. Only 200 and 206 bodies: a 416 or a 404 is a problem document.
 * The same function for every response (no closure per request); the video is the file's
 * name up to its extension, looked up among the videos the pod serves (served-bytes.ts).
 */
function countWebSeedBytes(served: ServedBytes) {
  function countedWrite(this: CountedResponse, chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    if ((this.statusCode === 200 || this.statusCode === 206) && !this.destroyed) {
      const bytes = typeof chunk === 'string' ? Buffer.byteLength(chunk) : ((chunk as Uint8Array | null)?.byteLength ?? 0);
      served.all.webSeed += bytes;
      const tally = this[TALLY];
      if (tally) tally.webSeed += bytes;
    }
    return this[WRITE](chunk, encoding, callback);
  }
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method === 'GET') {
      const dot = req.path.indexOf('.');
      const counted = res as unknown as CountedResponse;
      counted[TALLY] = served.ofVideo(req.path.slice(1, dot < 0 ? undefined : dot));
      counted[WRITE] = res.write as CountedResponse[typeof WRITE];
      res.write = countedWrite as Response['write'];
    }
    next();
  };
}

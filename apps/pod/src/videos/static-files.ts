import express, { type Express, type Response } from 'express';
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
export function mountStaticFiles(app: Express, storage: VideoStorage): void {
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
  app.use('/static/web-videos', express.static(storage.webVideosDir, options()));
  app.use('/static/torrents', express.static(storage.torrentsDir, options('application/x-bittorrent')));
  app.use('/static/thumbnails', express.static(storage.thumbnailsDir, options('image/jpeg')));
}

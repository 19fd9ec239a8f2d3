import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { preferredRepresentation } from '../http/activity-negotiation.js';

/** Paths the site never answers: their own controllers do, or they are 404s in problem+json. */
const NOT_THE_SITE = /^\/(api|federation|tracker|static|metrics|livez|readyz|\.well-known|nodeinfo)(\/|$)/;

/**
 * Serves the built Vue site at `/`, and its index.html for every other GET of a page
 * (history-mode routes such as /videos/watch/:uuid), so a reload never 404s. A client that
 * prefers ActivityPub to HTML is left to the controllers: a video's page is also its
 * ActivityPub id (federation/videos/video-object.http.controller.ts).
 */
export function mountWebSite(app: Express, webRoot: string): void {
  const index = join(webRoot, 'index.html');
  if (!existsSync(index)) {
    app.get('/', (_req, res) => {
      res.type('text/plain').send('The site is not built: run `npm run build`.\n');
    });
    return;
  }
  app.use(express.static(webRoot, { index: 'index.html', maxAge: '1h', setHeaders: noCacheForIndex }));
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_THE_SITE.test(req.path) || preferredRepresentation(req) !== 'html') return next();
    res.setHeader('Cache-Control', 'no-cache');
    // The same URL may answer an ActivityPub object: caches must keep them apart.
    res.vary('Accept');
    res.sendFile(index);
  });
}

function noCacheForIndex(res: Response, path: string): void {
  if (path.endsWith('index.html')) res.setHeader('Cache-Control', 'no-cache');
}

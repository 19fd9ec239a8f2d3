import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { PodMetrics } from './pod-metrics.js';

/** Paths served by middleware rather than routes: their label is the mount point's, never the path. */
const MOUNTS: ReadonlyArray<readonly [prefix: string, route: string]> = [
  ['/static/web-videos/', '/static/web-videos/:file'],
  ['/static/torrents/', '/static/torrents/:file'],
  ['/static/thumbnails/', '/static/thumbnails/:file'],
  ['/api/docs', '/api/docs'],
];
/** A path no route or mount answered (Nest's 404), whatever it was: one label for all. */
export const UNMATCHED_ROUTE = '(unmatched)';
/** The Vue site: its built files and index.html for its pages (web/web-site.ts). */
export const SITE_ROUTE = '(site)';

const STARTED = Symbol('swarmtube.requestStarted');
type TimedResponse = ServerResponse & { [STARTED]?: number };

/**
 * The route template of a request once answered: Express's matched route (Nest registers
 * `/api/v1/videos/:uuid` as is), else the mount point of the static files, else the site or
 * "(unmatched)". Never the raw URL: each label value is a time series, and a URL carries ids.
 */
export function routeOf(req: IncomingMessage, status: number): string {
  const { route, baseUrl, path } = req as Request;
  if (route && typeof route.path === 'string') return (baseUrl ?? '') + route.path;
  const url = (req as Request).originalUrl ?? req.url ?? '';
  for (const [prefix, label] of MOUNTS) if (url.startsWith(prefix)) return label;
  return status === 404 || path === undefined ? UNMATCHED_ROUTE : SITE_ROUTE;
}

/**
 * Times every HTTP response into swarmtube_http_request_duration_seconds (method, route
 * template, status; `aborted` when the client left before the end). Mounted first. One
 * listener function for every response, the start time on the response itself: per request,
 * nothing is allocated but what prom-client's observe() takes (its label object).
 */
export function requestMetrics(metrics: PodMetrics): RequestHandler {
  const histogram = metrics.httpRequestDuration;
  function answered(this: TimedResponse): void {
    const started = this[STARTED];
    if (started === undefined) return;
    const req = this.req;
    const status = this.writableFinished ? this.statusCode : 'aborted';
    histogram.observe({ method: req.method ?? 'GET', route: routeOf(req, this.statusCode), status }, (performance.now() - started) / 1000);
  }
  return (_req: Request, res: Response, next: NextFunction): void => {
    (res as unknown as TimedResponse)[STARTED] = performance.now();
    res.on('close', answered);
    next();
  };
}

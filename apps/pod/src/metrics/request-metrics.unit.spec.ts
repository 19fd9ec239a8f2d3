import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { routeOf, SITE_ROUTE, UNMATCHED_ROUTE } from './request-metrics.js';

const request = (fields: Record<string, unknown>) => ({ path: '/', ...fields }) as unknown as IncomingMessage;

test('a matched route is labelled by its template, mounted routers included', () => {
  assert.equal(routeOf(request({ route: { path: '/api/v1/videos/:uuid' }, baseUrl: '', originalUrl: '/api/v1/videos/0b6f…' }), 404), '/api/v1/videos/:uuid');
  assert.equal(routeOf(request({ route: { path: '/:id' }, baseUrl: '/things', originalUrl: '/things/42' }), 200), '/things/:id');
});

test('static files are labelled by their mount point, whatever the file', () => {
  assert.equal(routeOf(request({ originalUrl: '/static/web-videos/6f1d.mp4' }), 206), '/static/web-videos/:file');
  assert.equal(routeOf(request({ originalUrl: '/static/torrents/6f1d.torrent?x=1' }), 404), '/static/torrents/:file');
});

test('anything else is the site, or one "unmatched" label for every 404: never the path', () => {
  assert.equal(routeOf(request({ originalUrl: '/videos/watch/6f1d' }), 200), SITE_ROUTE);
  assert.equal(routeOf(request({ originalUrl: '/wp-login.php' }), 404), UNMATCHED_ROUTE);
  assert.equal(routeOf(request({ originalUrl: '/../../etc/passwd' }), 404), UNMATCHED_ROUTE);
  assert.equal(routeOf(request({ path: undefined, url: '/x' }), 200), UNMATCHED_ROUTE, 'a request Express never saw');
});

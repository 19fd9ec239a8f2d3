import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTracker } from '@swarmtube/tracker';
import { benchInfoHashes } from './tracker-swarms.js';

/**
 * Our tracker alone in a process, as the pod embeds it: a plain Node http server routing
 * /announce and /scrape to the handlers and /tracker/socket upgrades to the WebSocket
 * tracker; only the bench's 1,000 torrents allowed (a Set lookup, like the pod's read
 * model). The rate limit stays on, with a bucket no loopback load can empty, so its cost
 * is measured too. With --constant, every request gets the same fixed answer and no
 * tracker code runs: the floor that Node's own HTTP server sets for any handler.
 * Prints {"port"} then answers IPC:
 *   {cmd:'memory'} → {rss, heapUsed, rssAnon, rssFile} after a full GC (run with --expose-gc)
 *   {cmd:'stats'}  → tracker.stats()
 */

const allowed = new Set(benchInfoHashes().map((hash) => hash.toString('hex')));
const tracker = createTracker({
  allow: (hex) => allowed.has(hex),
  rateLimit: { ratePerSecond: 1e9, burst: 1e9 },
  maxWsConnectionsPerAddress: 1_000_000,
});
const constant = process.argv.includes('--constant');
const CONSTANT_BODY = Buffer.from('d8:completei5e10:downloadedi0e10:incompletei15e8:intervali600e12:min intervali60e5:peers0:e', 'latin1');
const server = http.createServer((req, res) => {
  if (constant) {
    res.writeHead(200, ['Content-Type', 'text/plain', 'Content-Length', String(CONSTANT_BODY.length)]);
    res.end(CONSTANT_BODY);
    return;
  }
  const url = req.url ?? '';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (path === '/announce' || path === '/tracker/announce') tracker.handleAnnounce(req, res);
  else if (path === '/scrape' || path === '/tracker/scrape') tracker.handleScrape(req, res);
  else {
    res.statusCode = 404;
    res.end();
  }
});
server.keepAliveTimeout = 60_000;
tracker.attachWebSocketTracker(server, { path: '/tracker/socket' });
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});

function statusKb(field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

process.on('message', (message: { cmd: string }) => {
  if (message.cmd === 'memory') {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const usage = process.memoryUsage();
    process.send?.({ rss: statusKb('VmRSS'), heapUsed: usage.heapUsed, rssAnon: statusKb('RssAnon'), rssFile: statusKb('RssFile') });
  } else if (message.cmd === 'stats') {
    process.send?.(tracker.stats());
  }
});
process.on('disconnect', () => process.exit(0));

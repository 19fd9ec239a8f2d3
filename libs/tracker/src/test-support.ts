import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { bdecode, type Decoded } from '@swarmtube/torrent';
import { createTracker, type Tracker } from './tracker.js';
import type { TrackerOptions } from './core.js';

/** Test helpers for the tracker specs (real sockets on loopback, bounded waits). */

export const HASH_A = Buffer.from('c1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4', 'hex');
/** Bytes ≥ 0x80 and a 0x00: what a UTF-8 round trip would break. */
export const HASH_B = Buffer.from('ff00fe80817f20253d26e9e8c3a9000102030405', 'hex');
export const HASH_UNKNOWN = Buffer.from('0000000000000000000000000000000000000001', 'hex');

export function percent(bytes: Uint8Array): string {
  return [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}

/** A 20-byte peer id with the given prefix, padded with bytes that are not text. */
export function peerId(prefix: string, fill = 0xfe): Buffer {
  const id = Buffer.alloc(20, fill);
  id.write(prefix, 0, 'latin1');
  return id;
}

export interface HttpTracker {
  tracker: Tracker;
  server: http.Server;
  port: number;
  close(): Promise<void>;
}

/** A tracker on a plain Node http server, routed as the pod routes it. */
export async function startHttpTracker(options: Partial<TrackerOptions> = {}, host = '127.0.0.1'): Promise<HttpTracker> {
  const allowed = new Set([HASH_A.toString('hex'), HASH_B.toString('hex')]);
  const tracker = createTracker({ allow: (hex) => allowed.has(hex), ...options });
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/tracker/announce') tracker.handleAnnounce(req, res);
    else if (path === '/tracker/scrape') tracker.handleScrape(req, res);
    else {
      res.statusCode = 404;
      res.end();
    }
  });
  tracker.attachWebSocketTracker(server, { path: '/tracker/socket' });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    tracker,
    server,
    port,
    close: async () => {
      await tracker.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** GET with the path sent byte for byte (no client-side re-encoding). */
export function rawGet(port: number, path: string, host = '127.0.0.1', localAddress?: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, path, method: 'GET', agent: false, localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.end();
  });
}

export function decodeDict(body: Buffer): Map<string, Decoded> {
  const decoded = bdecode(body);
  assert.ok(decoded.ok, `not bencoded: ${decoded.ok ? '' : decoded.reason}: ${body.toString('latin1')}`);
  assert.ok(decoded.value instanceof Map, 'not a dictionary');
  return decoded.value;
}

export function text(value: Decoded | undefined): string {
  assert.ok(Buffer.isBuffer(value), 'not a string');
  return value.toString('utf8');
}

export function int(value: Decoded | undefined): number {
  assert.equal(typeof value, 'bigint');
  return Number(value);
}

export function announcePath(params: { infoHash: Uint8Array; peerId: Uint8Array; port: number; left?: number; extra?: string }): string {
  return (
    `/tracker/announce?info_hash=${percent(params.infoHash)}&peer_id=${percent(params.peerId)}&port=${params.port}` +
    `&uploaded=0&downloaded=0&left=${params.left ?? 1000}${params.extra ?? ''}`
  );
}

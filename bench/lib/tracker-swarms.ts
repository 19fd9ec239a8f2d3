import { createHash } from 'node:crypto';

/**
 * The tracker bench's swarms and peers, derived from fixed seeds so that every process
 * (load generator, our tracker, opentracker's whitelist) agrees without passing lists.
 */

export const BENCH_SWARMS = 1000;

export function benchInfoHashes(count = BENCH_SWARMS): Buffer[] {
  return Array.from({ length: count }, (_, i) => createHash('sha1').update(`swarmtube tracker bench swarm ${i}`).digest());
}

export function percentEncode(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += `%${b < 16 ? '0' : ''}${b.toString(16)}`;
  return out;
}

/** 20 bytes: a client prefix, then a number; the last byte is not text on purpose. */
export function benchPeerId(n: number): Buffer {
  const id = Buffer.alloc(20);
  id.write(`-BN0001-${String(n).padStart(11, '0')}`, 0, 'latin1');
  id[19] = 0x80 + (n % 128);
  return id;
}

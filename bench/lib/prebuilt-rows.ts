import { canonicalize, sha256Hex } from '@swarmtube/event-envelope';
import type { EventEnvelope } from '@swarmtube/event-envelope';
import type { EventSealer } from '@swarmtube/event-store';
import type { EventRow } from '@swarmtube/event-store';
import { sealChain } from '@swarmtube/testing';

export const BENCH_STREAMS = 100;

export function benchData(i: number): { name: string; description: string; n: number } {
  return { name: `Video number ${i}`, description: 'A short description of a video, about as long as a real one usually is.', n: i };
}

/** Turns a signed envelope into the row the store would write for it. */
export function rowOf(envelope: EventEnvelope, position: number, streamVersion: number): EventRow {
  const body = canonicalize(envelope);
  return {
    position,
    id: envelope.id,
    stream: envelope.stream,
    streamVersion,
    origin: envelope.origin,
    originSeq: envelope.originSeq,
    type: envelope.type,
    hash: sha256Hex(body),
    body,
  };
}

/**
 * The rows the store would write for `count` events: same columns, same signed bodies,
 * same chain. The raw anchor inserts these, so it pays no signing at insert time.
 */
export function prebuildRows(sealer: EventSealer, count: number): EventRow[] {
  const links = Array.from({ length: count }, (_, i) => ({ stream: `video:${i % BENCH_STREAMS}`, type: 'VideoPublished', data: benchData(i) }));
  const versions = new Map<string, number>();
  return sealChain(sealer, links).map((envelope, i) => {
    const version = (versions.get(envelope.stream) ?? 0) + 1;
    versions.set(envelope.stream, version);
    return rowOf(envelope, i + 1, version);
  });
}

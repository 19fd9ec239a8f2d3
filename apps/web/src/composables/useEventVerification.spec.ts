import { describe, expect, it, vi } from 'vitest';
import { effectScope, shallowRef } from 'vue';
import type { EventEnvelope } from '@/api/types';
import { canonicalize } from '../../../../libs/event-envelope/src/browser.js';
import { hashEvent } from '@/crypto/verify-event';
import { golden, signAs } from '@/test/golden-events';
import { useEventVerification } from './useEventVerification';

const ORIGIN = 'http://localhost:9003/federation/actor';

async function next(previous: EventEnvelope, overrides: Partial<EventEnvelope> = {}): Promise<EventEnvelope> {
  return signAs(
    'localhost:9003',
    {
      id: `urn:uuid:${crypto.randomUUID()}`,
      type: 'FriendshipRequested',
      schemaVersion: 1,
      origin: ORIGIN,
      originSeq: previous.originSeq + 1,
      prevHash: await hashEvent(previous),
      stream: 'friendship:localhost:9001+localhost:9003',
      occurredAt: '2026-11-25T17:00:01.000Z',
      data: { requester: ORIGIN, target: 'http://localhost:9001/federation/actor' },
      ...overrides,
    },
    canonicalize,
  );
}

describe('useEventVerification', () => {
  it("verifies each event with its origin's key from the PodJoined in the same log, and its chain", async () => {
    const joined = golden.podJoined();
    const second = await next(joined);
    const third = await next(second, { prevHash: 'f'.repeat(64) });
    const tampered = await next(third);
    (tampered.data as { target: string }).target = 'http://localhost:9002/federation/actor';
    const foreign = golden.videoPublished(); // origin localhost:9001: no PodJoined of it here
    const events = shallowRef<EventEnvelope[]>([joined, second]);
    const scope = effectScope();
    const { statusOf, supported } = scope.run(() => useEventVerification(events))!;

    await vi.waitFor(() => expect(statusOf(second.id).status).toBe('verified'));
    expect(supported.value).toBe(true);
    expect(statusOf(joined.id)).toEqual({ status: 'verified', detail: 'Signature and chain verified in this browser.' });

    events.value = [...events.value, third, tampered, foreign];
    await vi.waitFor(() => expect(statusOf(foreign.id).status).not.toBe('pending'));
    expect(statusOf(third.id).status).toBe('bad-chain');
    expect(statusOf(tampered.id)).toEqual({ status: 'bad-proof', detail: 'Proof refused: the signature does not match.' });
    expect(statusOf(foreign.id).status).toBe('no-key');
    scope.stop();
  });

  it('says "signature verified" without a chain check when the previous event is not loaded', async () => {
    const joined = golden.podJoined();
    const second = await next(joined);
    const third = await next(second);
    const events = shallowRef<EventEnvelope[]>([joined, third]);
    const scope = effectScope();
    const { statusOf } = scope.run(() => useEventVerification(events))!;
    await vi.waitFor(() => expect(statusOf(third.id).status).toBe('verified'));
    expect(statusOf(third.id).detail).toContain('previous event of its origin is not loaded');
    scope.stop();
  });

  it('starts again when the log is reloaded', async () => {
    const joined = golden.podJoined();
    const second = await next(joined);
    const events = shallowRef<EventEnvelope[]>([joined, second]);
    const scope = effectScope();
    const { statusOf, results } = scope.run(() => useEventVerification(events))!;
    await vi.waitFor(() => expect(results.value.size).toBe(2));
    events.value = [second];
    await vi.waitFor(() => expect(statusOf(second.id).status).toBe('no-key'));
    expect(results.value.size).toBe(1);
    scope.stop();
  });
});

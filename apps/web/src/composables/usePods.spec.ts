import { afterEach, describe, expect, it, vi } from 'vitest';
import { effectScope } from 'vue';
import type { PodView } from '@/api/types';
import { readBallot, readTally, usePods } from './usePods';

const pod = (extra: Partial<PodView> = {}): PodView => ({
  host: '127.0.0.1:9002',
  actor: 'http://127.0.0.1:9002/federation/actor',
  status: 'active',
  score: 100,
  joinedAt: null,
  lastSeenAt: null,
  ...extra,
});

function respond(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' } });
}

afterEach(() => vi.unstubAllGlobals());

describe('readTally', () => {
  it('reads a tally in the shapes a pod may give, and nothing when there is none', () => {
    expect(readTally(pod())).toBeNull();
    expect(readTally(pod({ expulsionVotes: 1 }))).toEqual({ votes: 1, quorum: null, mine: null });
    expect(readTally(pod({ expulsionVotes: ['a', 'b'] }))).toEqual({ votes: 2, quorum: null, mine: null });
    expect(readTally(pod({ votes: { count: 1, quorum: 2, mine: true } }))).toEqual({ votes: 1, quorum: 2, mine: true });
    expect(readTally(pod({ expulsionVotes: { voters: ['x'], needed: 2 } }))).toEqual({ votes: 1, quorum: 2, mine: null });
    expect(readTally(pod({ expulsionVotes: 'many' }))).toBeNull();
  });
});

describe('readBallot', () => {
  const ME = 'http://127.0.0.1:9001/federation/actor';
  it('counts the counted votes of an expulsion motion, with the votes needed and whether this pod voted', () => {
    const ballot = {
      host: '127.0.0.1:9002',
      motion: 'expulsion',
      electorate: 2,
      needed: 2,
      votes: [
        { voter: ME, counted: true },
        { voter: 'http://127.0.0.1:9009/federation/actor', counted: false },
      ],
    };
    expect(readBallot(ballot, ME)).toEqual({ votes: 1, quorum: 2, mine: true });
    expect(readBallot({ ...ballot, votes: [] }, ME)).toEqual({ votes: 0, quorum: 2, mine: false });
    expect(readBallot({ ...ballot, motion: 'readmission' }, ME)).toBeNull();
    expect(readBallot([], ME)).toBeNull();
  });
});

describe('usePods', () => {
  it('reads each active pod\'s ballot for the tally, and stops asking when the pod has no ballot route', async () => {
    const pods = [pod(), pod({ host: '127.0.0.1:9003', actor: 'http://127.0.0.1:9003/federation/actor' }), pod({ host: '127.0.0.1:9004', status: 'left' })];
    let ballots = true;
    const fetch = vi.fn(async (url: URL | string) => {
      const path = new URL(String(url)).pathname;
      if (path === '/api/v1/pods') return respond(200, pods);
      if (!ballots) return respond(404, { status: 404, code: 'not-found', detail: `Cannot GET ${path}` });
      return respond(200, { motion: 'expulsion', needed: 2, votes: path.includes('9002') ? [{ voter: 'http://127.0.0.1:9001/federation/actor', counted: true }] : [] });
    });
    vi.stubGlobal('fetch', fetch);
    const scope = effectScope();
    const state = scope.run(() => usePods(() => 'http://127.0.0.1:9001/federation/actor'))!;
    await state.reload();
    expect(Object.fromEntries(state.tallies.value)).toEqual({
      '127.0.0.1:9002': { votes: 1, quorum: 2, mine: true },
      '127.0.0.1:9003': { votes: 0, quorum: 2, mine: false },
      '127.0.0.1:9004': null,
    });
    scope.stop();

    ballots = false;
    fetch.mockClear();
    const other = effectScope();
    const without = other.run(() => usePods())!;
    await without.reload();
    await without.reload();
    expect([...without.tallies.value.values()]).toEqual([null, null, null]);
    expect(fetch.mock.calls.filter(([url]) => String(url).endsWith('/votes'))).toHaveLength(1);
    other.stop();
  });

  it("says plainly when the pod's API has no expulsion votes (a 404 for the route)", async () => {
    const fetch = vi.fn(async (url: URL | string, init?: RequestInit) => {
      if (String(url).endsWith('/expulsion-votes')) {
        return respond(404, { status: 404, code: 'not-found', detail: `Cannot ${init?.method} /api/v1/pods/127.0.0.1%3A9002/expulsion-votes` });
      }
      return respond(200, [pod()]);
    });
    vi.stubGlobal('fetch', fetch);
    const scope = effectScope();
    const pods = scope.run(() => usePods())!;
    await pods.reload();
    expect(pods.pods.value).toHaveLength(1);
    await expect(pods.castVote('127.0.0.1:9002', 'down all week')).rejects.toThrow('does not take expulsion votes yet');
    expect(pods.voteSupport.value).toBe('missing');
    const [, init] = fetch.mock.calls.find(([url]) => String(url).endsWith('/expulsion-votes'))!;
    expect(init).toMatchObject({ method: 'POST', body: JSON.stringify({ reason: 'down all week' }) });
    scope.stop();
  });

  it('passes on any other refusal with its detail, and remembers a vote cast until withdrawn', async () => {
    let answer = respond(403, { status: 403, code: 'forbidden', detail: 'admins only' });
    vi.stubGlobal('fetch', vi.fn(async (url: URL | string) => (String(url).endsWith('/expulsion-votes') ? answer.clone() : respond(200, [pod()]))));
    const scope = effectScope();
    const pods = scope.run(() => usePods())!;
    await expect(pods.castVote('127.0.0.1:9002', '')).rejects.toThrow('admins only');
    expect(pods.voteSupport.value).toBe('unknown');
    answer = respond(202, {});
    await pods.castVote('127.0.0.1:9002', '');
    expect(pods.voteSupport.value).toBe('available');
    expect([...pods.voted.value]).toEqual(['127.0.0.1:9002']);
    await pods.withdrawVote('127.0.0.1:9002');
    expect([...pods.voted.value]).toEqual([]);
    scope.stop();
  });
});

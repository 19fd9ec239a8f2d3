import { afterEach, describe, expect, it, vi } from 'vitest';
import { effectScope } from 'vue';
import type { BallotView, PodView } from '@/api/types';
import { aPod } from '@/test/fixtures';
import { tallyOf, usePods } from './usePods';

const ME = 'http://127.0.0.1:9001/federation/actor';

const pod = (extra: Partial<PodView> = {}): PodView => aPod(extra.host ?? '127.0.0.1:9002', extra);

const ballot = (host: string, extra: Partial<BallotView> = {}): BallotView => ({
  host,
  actor: `http://${host}/federation/actor`,
  status: 'active',
  motion: 'expulsion',
  electorate: 2,
  needed: 2,
  votes: [],
  records: [],
  ...extra,
});

const vote = (voter: string, counted = true) => ({ host: '127.0.0.1:9002', voter, id: '0190', occurredAt: '2026-11-25T00:00:00.000Z', reason: '', counted });

function respond(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' } });
}

afterEach(() => vi.unstubAllGlobals());

describe('tallyOf', () => {
  it('counts the counted votes, with the votes needed and whether this pod is a voter', () => {
    const open = ballot('127.0.0.1:9002', { votes: [vote(ME), vote('http://127.0.0.1:9009/federation/actor', false)] });
    expect(tallyOf(open, ME)).toEqual({ motion: 'expulsion', votes: 1, needed: 2, mine: true });
    expect(tallyOf({ ...open, votes: [] }, ME)).toEqual({ motion: 'expulsion', votes: 0, needed: 2, mine: false });
    expect(tallyOf({ ...open, motion: 'readmission' }, null)).toEqual({ motion: 'readmission', votes: 1, needed: 2, mine: false });
  });
});

describe('usePods', () => {
  it("reads the ballot of every member and expelled pod, and of no other", async () => {
    const pods = [pod(), pod({ host: '127.0.0.1:9003', status: 'expelled' }), pod({ host: '127.0.0.1:9004', status: 'left' })];
    const fetch = vi.fn(async (url: URL | string) => {
      const path = new URL(String(url)).pathname;
      if (path === '/api/v1/pods') return respond(200, pods);
      if (path.includes('9002')) return respond(200, ballot('127.0.0.1:9002', { votes: [vote(ME)] }));
      return respond(200, ballot('127.0.0.1:9003', { status: 'expelled', motion: 'readmission', needed: 1 }));
    });
    vi.stubGlobal('fetch', fetch);
    const scope = effectScope();
    const state = scope.run(() => usePods(() => ME))!;
    await state.reload();
    expect(state.pods.value.map((p) => p.host)).toEqual(['127.0.0.1:9002', '127.0.0.1:9003', '127.0.0.1:9004']);
    expect(Object.fromEntries(state.tallies.value)).toEqual({
      '127.0.0.1:9002': { motion: 'expulsion', votes: 1, needed: 2, mine: true },
      '127.0.0.1:9003': { motion: 'readmission', votes: 0, needed: 1, mine: false },
    });
    expect(fetch.mock.calls.map(([url]) => new URL(String(url)).pathname).filter((p) => p.endsWith('/votes'))).toEqual([
      '/api/v1/pods/127.0.0.1%3A9002/votes',
      '/api/v1/pods/127.0.0.1%3A9003/votes',
    ]);
    expect(state.error.value).toBeNull();
    scope.stop();
  });

  it('casts and withdraws on the motion\'s own route, then reloads', async () => {
    const fetch = vi.fn(async (url: URL | string, init?: RequestInit) => {
      const path = new URL(String(url)).pathname;
      if (path.endsWith('-votes')) return respond(init?.method === 'POST' ? 201 : 200, { event: 'e', recorded: null, ballot: ballot('127.0.0.1:9002') });
      if (path.endsWith('/votes')) return respond(200, ballot('127.0.0.1:9002'));
      return respond(200, [pod()]);
    });
    vi.stubGlobal('fetch', fetch);
    const scope = effectScope();
    const pods = scope.run(() => usePods())!;
    await pods.vote('127.0.0.1:9002', 'expulsion', 'cast', 'down all week');
    await pods.vote('127.0.0.1:9003', 'readmission', 'withdraw');
    const writes = fetch.mock.calls.filter(([, init]) => init?.method === 'POST' || init?.method === 'DELETE');
    expect(writes.map(([url, init]) => [init?.method, new URL(String(url)).pathname, init?.body])).toEqual([
      ['POST', '/api/v1/pods/127.0.0.1%3A9002/expulsion-votes', JSON.stringify({ reason: 'down all week' })],
      ['DELETE', '/api/v1/pods/127.0.0.1%3A9003/readmission-votes', undefined],
    ]);
    expect(pods.pods.value).toHaveLength(1);
    scope.stop();
  });

  it('answers a friendship request and drops a friend on their routes, then reloads', async () => {
    const fetch = vi.fn(async (url: URL | string, init?: RequestInit) => {
      const path = new URL(String(url)).pathname;
      if (init?.method === 'POST' || init?.method === 'DELETE') return respond(200, pod({ friendship: 'accepted' }));
      if (path.endsWith('/votes')) return respond(200, ballot('127.0.0.1:9002'));
      return respond(200, [pod()]);
    });
    vi.stubGlobal('fetch', fetch);
    const scope = effectScope();
    const pods = scope.run(() => usePods())!;
    await pods.befriend('127.0.0.1:9002', 'accept');
    await pods.befriend('127.0.0.1:9003', 'reject');
    await pods.befriend('127.0.0.1:9004', 'drop');
    const writes = fetch.mock.calls.filter(([, init]) => init?.method === 'POST' || init?.method === 'DELETE');
    expect(writes.map(([url, init]) => [init?.method, new URL(String(url)).pathname])).toEqual([
      ['POST', '/api/v1/pods/127.0.0.1%3A9002/accept'],
      ['POST', '/api/v1/pods/127.0.0.1%3A9003/reject'],
      ['DELETE', '/api/v1/pods/127.0.0.1%3A9004/friendship'],
    ]);
    expect(pods.pods.value).toHaveLength(1);
    scope.stop();
  });

  it('passes on a refusal with its detail, and shows a failed load as an error', async () => {
    vi.stubGlobal('fetch', vi.fn(async (url: URL | string) => (String(url).endsWith('-votes') ? respond(403, { status: 403, code: 'forbidden', detail: 'admins only' }) : respond(500, { status: 500, code: 'internal', detail: 'broken' }))));
    const scope = effectScope();
    const pods = scope.run(() => usePods())!;
    await expect(pods.vote('127.0.0.1:9002', 'expulsion', 'cast')).rejects.toThrow('admins only');
    await pods.reload();
    expect(pods.error.value).toContain('broken');
    scope.stop();
  });
});

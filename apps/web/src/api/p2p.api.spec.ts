import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchIceServers } from './p2p.api';

function respond(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' } });
}

afterEach(() => vi.unstubAllGlobals());

describe('fetchIceServers', () => {
  it('opens a viewer session, then asks for the ICE servers with its token', async () => {
    const servers = [{ urls: ['stun:stun.swarm.test:3478'] }, { urls: ['turn:turn.swarm.test:3478'], username: '1796640000:s1', credential: 'c' }];
    const fetch = vi.fn(async (url: URL | string, init?: RequestInit) => {
      const path = new URL(String(url)).pathname;
      if (path === '/api/v1/p2p/viewer-sessions' && init?.method === 'POST') return respond(201, { token: 's1.1796640000.mac', expiresAt: '2026-12-07T13:00:00.000Z' });
      if (path === '/api/v1/p2p/ice-servers') return new Headers(init?.headers).get('x-viewer-session') === 's1.1796640000.mac' ? respond(200, { iceServers: servers, expiresAt: '' }) : respond(401, { code: 'viewer-session-required' });
      return respond(404, { code: 'not-found' });
    });
    vi.stubGlobal('fetch', fetch);
    expect(await fetchIceServers()).toEqual(servers);
  });

  it('a refused session, a refused request or a network failure give no servers (playback goes on without)', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => respond(429, { code: 'rate-limited' })));
    expect(await fetchIceServers()).toEqual([]);
    vi.stubGlobal('fetch', vi.fn(async (url: URL | string) => (String(url).endsWith('viewer-sessions') ? respond(201, { token: 't' }) : respond(401, { code: 'viewer-session-expired' }))));
    expect(await fetchIceServers()).toEqual([]);
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('network'))));
    expect(await fetchIceServers()).toEqual([]);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { corsSafeFetch, emptyBitfield } from './torrent-playback';

const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe('emptyBitfield', () => {
  it('has one zero bit per piece, from the piece length in the torrent and the file size', () => {
    const torrent = latin1('d8:announce3:x:y4:infod6:lengthi2621440e4:name5:a.mp412:piece lengthi32768e6:pieces20:\u00ff\u00fe...................ee');
    expect(emptyBitfield(torrent, 2_621_440)).toEqual(new Uint8Array(10)); // 80 pieces
    expect(emptyBitfield(torrent, 2_621_441)).toEqual(new Uint8Array(11)); // 81 pieces
    expect(emptyBitfield(latin1('d4:infodee'), 1000)).toBeUndefined();
    expect(emptyBitfield(torrent, undefined)).toBeUndefined();
  });
});

describe('corsSafeFetch', () => {
  it('drops the headers that make web seed requests fail their CORS preflight, and keeps Range', async () => {
    const original = vi.fn(async () => new Response('ok'));
    const wrapped = corsSafeFetch(original);
    await wrapped('http://pod/static/web-videos/a.mp4', { cache: 'no-store', headers: { 'Cache-Control': 'no-store', 'user-agent': 'WebTorrent/3', range: 'bytes=0-99' } });
    const [, init] = original.mock.calls[0] as unknown as [string, RequestInit];
    expect(init.cache).toBe('no-store');
    expect([...new Headers(init.headers).entries()]).toEqual([['range', 'bytes=0-99']]);
    await wrapped('http://pod/api/v1/config');
    expect(original.mock.calls[1]).toEqual(['http://pod/api/v1/config', undefined]);
  });
});

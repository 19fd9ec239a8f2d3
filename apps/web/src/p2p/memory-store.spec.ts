import { describe, expect, it } from 'vitest';
import { MemoryChunkStore } from './memory-store';

const call = <T>(run: (callback: (error: Error | null, value?: T) => void) => void) =>
  new Promise<T | undefined>((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value))));

describe('MemoryChunkStore', () => {
  it('keeps chunks, reads slices of them, and checks their lengths (the last one shorter)', async () => {
    const store = new MemoryChunkStore(4, { length: 10 });
    await call((cb) => store.put(0, Uint8Array.of(1, 2, 3, 4), cb));
    await call((cb) => store.put(2, Uint8Array.of(9, 10), cb));
    await expect(call((cb) => store.put(1, Uint8Array.of(1), cb))).rejects.toThrow('Chunk length must be 4');
    await expect(call((cb) => store.put(2, Uint8Array.of(1, 2, 3, 4), cb))).rejects.toThrow('Chunk length must be 2');
    expect(await call<Uint8Array>((cb) => store.get(0, cb))).toEqual(Uint8Array.of(1, 2, 3, 4));
    expect(await call<Uint8Array>((cb) => store.get(0, { offset: 1, length: 2 }, cb))).toEqual(Uint8Array.of(2, 3));
    expect(await call<Uint8Array>((cb) => store.get(2, null, cb))).toEqual(Uint8Array.of(9, 10));
    await expect(call((cb) => store.get(1, cb))).rejects.toMatchObject({ message: 'Chunk not found', notFound: true });
    await call((cb) => store.destroy(cb));
    await expect(call((cb) => store.get(0, cb))).rejects.toThrow('Storage is closed');
  });
});

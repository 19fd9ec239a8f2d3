import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Test helpers for the torrent specs: seeded splits, real files, and the WebTorrent anchors. */

/** mulberry32: a seeded generator, so a failing split can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The plainest possible piece hashing (slice, hash, concatenate), to check the streaming one. */
export function referencePieces(data: Buffer, pieceLength: number): Buffer {
  const digests: Buffer[] = [];
  for (let start = 0; start < data.length; start += pieceLength) {
    digests.push(createHash('sha1').update(data.subarray(start, start + pieceLength)).digest());
  }
  return Buffer.concat(digests);
}

export interface TempDir {
  readonly path: string;
  file(name: string, size: number): Promise<{ path: string; data: Buffer }>;
  remove(): Promise<void>;
}

export async function tempDir(): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), 'swarmtube-torrent-'));
  return {
    path,
    async file(name, size) {
      const data = randomBytes(size);
      const filePath = join(path, name);
      await writeFile(filePath, data);
      return { path: filePath, data };
    },
    remove: () => rm(path, { recursive: true, force: true }),
  };
}

type CreateTorrentFn = (
  input: string | Uint8Array | Uint8Array[],
  options: Record<string, unknown>,
  callback: (error: Error | null, torrent?: Uint8Array) => void,
) => void;

/** create-torrent 6 (ESM only, untyped): the .torrent WebTorrent would make. */
export async function webtorrentCreate(input: string | Uint8Array | Uint8Array[], options: Record<string, unknown>): Promise<Buffer> {
  const specifier: string = 'create-torrent';
  const { default: createTorrent } = (await import(specifier)) as { default: CreateTorrentFn };
  return new Promise((resolve, reject) => {
    createTorrent(input, options, (error, torrent) => (error ? reject(error) : resolve(Buffer.from(torrent!))));
  });
}

export interface WebTorrentParsed {
  infoHash: string;
  name?: string;
  length?: number;
  pieceLength?: number;
  pieces?: string[];
  announce: string[];
  urlList: string[];
  private?: boolean;
  xl?: string;
}

/** parse-torrent 11: how WebTorrent reads a .torrent or a magnet URI. */
export async function webtorrentParse(torrentId: Uint8Array | string): Promise<WebTorrentParsed> {
  const specifier: string = 'parse-torrent';
  const { default: parseTorrent } = (await import(specifier)) as { default: (id: Uint8Array | string) => Promise<WebTorrentParsed> };
  return parseTorrent(torrentId);
}

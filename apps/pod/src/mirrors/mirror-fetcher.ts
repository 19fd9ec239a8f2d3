import { mkdirSync, readdirSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import WebTorrent, { type Torrent } from 'webtorrent';

export interface MirrorFetchLogger {
  log(message: string): void;
  warn(message: string): void;
}

/**
 * Fetches whole copies of other pods' videos through the swarm: a webtorrent client of its
 * own (the seeder never downloads), over TCP/uTP from the seeders the trackers name and over
 * HTTP from the web seeds, every piece checked against the torrent's hashes (so against the
 * info-hash the torrent was checked to have). A copy is made in `<dir>/<uuid>/` and moved into
 * place, whole, only once every piece is verified: a crash leaves a partial folder, which the
 * next fetch of the same video resumes (webtorrent checks the pieces already there).
 * Only HTTP and UDP trackers: no WebRTC for a pod-to-pod copy.
 */
export class MirrorFetcher {
  private client: WebTorrent | null = null;
  private readonly running = new Map<string, Torrent>();

  constructor(
    private readonly dir: string,
    private readonly logger: MirrorFetchLogger,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** Partial copies left by an earlier run (uuids), to resume or remove. */
  fetchDir(uuid: string): string {
    return join(this.dir, uuid);
  }

  fetching(uuid: string): boolean {
    return this.running.has(uuid);
  }

  /** Bytes verified so far of a fetch under way. */
  progress(uuid: string): number {
    const torrent = this.running.get(uuid);
    return torrent ? Math.round(torrent.progress * torrent.length) : 0;
  }

  /**
   * Fetches the torrent's single file and moves it to `destination` (on the same disk). Rejects
   * when cancelled or when webtorrent fails; the partial folder stays for a later resume.
   */
  async fetch(uuid: string, torrentFile: Uint8Array, destination: string): Promise<void> {
    if (this.running.has(uuid)) throw new Error(`${uuid} is being fetched already`);
    const client = this.ensureClient();
    const path = this.fetchDir(uuid);
    mkdirSync(path, { recursive: true });
    const torrent = client.add(torrentFile, { path, strategy: 'rarest', noPeersIntervalTime: 24 * 60 * 60 });
    this.running.set(uuid, torrent);
    try {
      await new Promise<void>((resolve, reject) => {
        const cleanup = () => {
          torrent.off('done', onDone);
          torrent.off('error', onError);
          torrent.off('close', onClose);
        };
        const onDone = () => (cleanup(), resolve());
        const onError = (error: Error) => (cleanup(), reject(error));
        const onClose = () => (cleanup(), reject(new Error('the fetch was cancelled')));
        if (torrent.done) return resolve();
        torrent.once('done', onDone);
        torrent.once('error', onError);
        torrent.once('close', onClose);
        torrent.on('warning', (warning: Error) => this.logger.warn(`mirror fetch ${uuid}: ${warning.message}`));
      });
      const file = join(path, torrent.files[0]!.path);
      // The store closes its file handles on destroy: moved only after.
      await new Promise<void>((resolve) => torrent.destroy(() => resolve()));
      const size = (await stat(file)).size;
      if (size !== torrent.length) throw new Error(`the copy of ${uuid} has ${size} bytes, the torrent says ${torrent.length}`);
      await rename(file, destination);
      await rm(path, { recursive: true, force: true });
    } finally {
      this.running.delete(uuid);
      if (!torrent.destroyed) await new Promise<void>((resolve) => torrent.destroy(() => resolve()));
    }
  }

  /** Removes the partial copies of videos no longer wanted (dropped while the pod was down). */
  async sweep(keep: ReadonlySet<string>): Promise<string[]> {
    const stale = readdirSync(this.dir).filter((name) => !keep.has(name) && !this.running.has(name));
    await Promise.all(stale.map((name) => rm(join(this.dir, name), { recursive: true, force: true })));
    return stale;
  }

  /** Stops a fetch and removes its partial copy. */
  async cancel(uuid: string): Promise<void> {
    const torrent = this.running.get(uuid);
    this.running.delete(uuid);
    if (torrent && !torrent.destroyed) await new Promise<void>((resolve) => torrent.destroy(() => resolve()));
    await rm(this.fetchDir(uuid), { recursive: true, force: true });
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.running.clear();
    if (client) await new Promise<void>((resolve) => client.destroy(() => resolve()));
  }

  private ensureClient(): WebTorrent {
    if (this.client) return this.client;
    const client = new WebTorrent({ torrentPort: 0, dht: false, lsd: false, natUpnp: false, natPmp: false, utPex: false, webSeeds: true });
    client.on('error', (error: Error) => this.logger.warn(`mirror fetcher: ${error.message}`));
    this.client = client;
    return client;
  }
}

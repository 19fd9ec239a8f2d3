import { open, type FileHandle } from 'node:fs/promises';

/** A read found the file on disk different from the one that was hashed at ingest. */
export class FileChangedError extends Error {
  override readonly name = 'FileChangedError';
}

interface Slot {
  readonly handle: Promise<FileHandle>;
  users: number;
}

/**
 * Read-only file handles shared by every seeded torrent, at most `max` open at once
 * (least recently used closed first, never while a read is using it). webtorrent's own
 * store keeps one read-write descriptor per torrent for ever once a piece was read:
 * 1,000 videos that each got one viewer would hold 1,000 descriptors.
 *
 * Every open checks that the file is still a regular file of the expected size, so a
 * video truncated or replaced by one of another size after ingest is refused rather than
 * served as pieces that fail the peer's hash check.
 */
export class OpenFiles {
  private readonly slots = new Map<string, Slot>();
  private bytes = 0;

  constructor(private readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`OpenFiles: max must be a positive integer, got ${max}`);
  }

  /** Bytes read from disk so far (pieces served, and any hashing that went through here). */
  get bytesRead(): number {
    return this.bytes;
  }

  get openCount(): number {
    return this.slots.size;
  }

  async read(path: string, expectedSize: number, position: number, length: number): Promise<Buffer> {
    const slot = this.acquire(path, expectedSize);
    try {
      const handle = await slot.handle;
      const buffer = Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
        if (bytesRead === 0) throw new FileChangedError(`${path} ended at ${position + done} bytes; the torrent says ${expectedSize}`);
        done += bytesRead;
      }
      this.bytes += length;
      return buffer;
    } finally {
      slot.users--;
      this.trim();
    }
  }

  /** Closes the file's handle if no read is using it (a later read opens it again). */
  release(path: string): void {
    const slot = this.slots.get(path);
    if (slot === undefined || slot.users > 0) return;
    this.slots.delete(path);
    close(slot);
  }

  async closeAll(): Promise<void> {
    const slots = [...this.slots.values()];
    this.slots.clear();
    await Promise.all(slots.map((slot) => slot.handle.then((handle) => handle.close()).catch(() => undefined)));
  }

  private acquire(path: string, expectedSize: number): Slot {
    let slot = this.slots.get(path);
    if (slot !== undefined) {
      // Map order is the LRU order: move to the most recent end.
      this.slots.delete(path);
    } else {
      const created: Slot = { handle: openChecked(path, expectedSize), users: 0 };
      // A failed open must not stay cached: the next read tries again.
      created.handle.catch(() => {
        if (this.slots.get(path) === created) this.slots.delete(path);
      });
      slot = created;
    }
    this.slots.set(path, slot);
    slot.users++;
    this.trim();
    return slot;
  }

  private trim(): void {
    if (this.slots.size <= this.max) return;
    for (const [path, slot] of this.slots) {
      if (this.slots.size <= this.max) return;
      if (slot.users > 0) continue;
      this.slots.delete(path);
      close(slot);
    }
  }
}

async function openChecked(path: string, expectedSize: number): Promise<FileHandle> {
  const handle = await open(path, 'r');
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new FileChangedError(`${path} is no longer a regular file`);
    if (stat.size !== expectedSize) throw new FileChangedError(`${path} is ${stat.size} bytes; the torrent says ${expectedSize}`);
    return handle;
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}

function close(slot: Slot): void {
  slot.handle.then((handle) => handle.close()).catch(() => undefined);
}

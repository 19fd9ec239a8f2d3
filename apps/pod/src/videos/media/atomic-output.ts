import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';

/**
 * Every temporary file the pod writes ends with this: the sweep at start (video-storage.ts)
 * removes them all, whatever was interrupted (a conversion, a thumbnail, a .torrent).
 */
export const TEMP_SUFFIX = '.swarmtube-tmp';

/** A temporary name beside `output`, unique to this process and call. */
export function temporaryPathFor(output: string): string {
  return `${output}.${process.pid}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`;
}

/**
 * A file name the pod wrote as a temporary: ours (TEMP_SUFFIX), and those of earlier
 * versions (`<uuid>.torrent.<pid>.tmp`, `<uuid>.jpg.<pid>.<rand>.tmp`), which a kill -9 could
 * have left behind.
 */
export function isTemporaryName(name: string): boolean {
  return name.endsWith(TEMP_SUFFIX) || /\.\d+(\.[0-9a-f]+)?\.tmp$/.test(name);
}

/**
 * Writes a file under a temporary name beside its final one and renames it into place only
 * when `write` succeeds, so readers (the web seed, the seeder, a job resumed after a crash)
 * never see half a file: a final name always holds a whole file.
 */
export async function writeAtomically<T>(output: string, write: (tempPath: string) => Promise<T>): Promise<T> {
  const temp = temporaryPathFor(output);
  try {
    const result = await write(temp);
    await rename(temp, output);
    return result;
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

export async function writeBytesAtomically(output: string, bytes: Buffer): Promise<void> {
  await writeAtomically(output, (temp) => writeFile(temp, bytes, { mode: 0o644 }));
}

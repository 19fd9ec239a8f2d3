import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';

/**
 * Writes a file under a temporary name beside its final one and renames it into place only
 * when `write` succeeds, so readers (the web seed, the seeder) never see half a file and a
 * failure leaves nothing behind.
 */
export async function writeAtomically<T>(output: string, write: (tempPath: string) => Promise<T>): Promise<T> {
  const temp = `${output}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const result = await write(temp);
    await rename(temp, output);
    return result;
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

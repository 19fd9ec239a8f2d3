import { KeyObject, createPrivateKey, createPublicKey, generateKeyPair, randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { encodeMultikey } from './multikey.js';

/**
 * The pod's two long-lived keys: Ed25519 signs events (Data Integrity proofs), RSA-2048
 * signs HTTP requests (Mastodon-compatible HTTP Signatures). Only the private keys are
 * stored; the public halves are derived, so the two can never disagree.
 */

export type PodKeyErrorCode = 'key-unreadable' | 'key-permissions' | 'key-unwritable';

export class PodKeyError extends Error {
  constructor(
    readonly code: PodKeyErrorCode,
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PodKeyError';
  }
}

export interface PodKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SPKI PEM, as published in the actor document. */
  publicKeyPem: string;
  /** Where the private key lives. */
  path: string;
}

export interface PodKeys {
  ed25519: PodKeyPair & { publicKeyMultibase: string };
  rsa: PodKeyPair;
}

export const KEY_FILES = { ed25519: 'ed25519.pem', rsa: 'rsa-2048.pem' } as const;

/** A temp file this old cannot belong to a start in progress: it is what a crash left. */
const STALE_TEMP_MS = 60_000;

const generateKeyPairAsync = promisify(generateKeyPair);

interface KeySpec {
  type: 'ed25519' | 'rsa';
  generate(): Promise<KeyObject>;
  check(key: KeyObject): string | null;
}

const ED25519: KeySpec = {
  type: 'ed25519',
  generate: async () => (await generateKeyPairAsync('ed25519')).privateKey,
  check: (key) => (key.asymmetricKeyType === 'ed25519' ? null : `expected an Ed25519 key, found ${key.asymmetricKeyType}`),
};

const RSA: KeySpec = {
  type: 'rsa',
  generate: async () => (await generateKeyPairAsync('rsa', { modulusLength: 2048 })).privateKey,
  check: (key) => {
    if (key.asymmetricKeyType !== 'rsa') return `expected an RSA key, found ${key.asymmetricKeyType}`;
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    return bits >= 2048 ? null : `RSA key has ${bits} bits, at least 2048 are required`;
  },
};

/**
 * Loads `<dataDir>/keys/*.pem`, creating each missing key. Safe against crashes (a key
 * file appears whole or not at all) and against two processes starting at once (the
 * first key written wins and both return it).
 */
export async function loadOrCreatePodKeys(dataDir: string): Promise<PodKeys> {
  const dir = join(dataDir, 'keys');
  await ensureKeyDirectory(dir);
  await removeStaleTempFiles(dir);
  const [ed25519, rsa] = await Promise.all([
    loadOrCreateKey(join(dir, KEY_FILES.ed25519), ED25519),
    loadOrCreateKey(join(dir, KEY_FILES.rsa), RSA),
  ]);
  return { ed25519: { ...ed25519, publicKeyMultibase: encodeMultikey(ed25519.publicKey) }, rsa };
}

async function ensureKeyDirectory(dir: string): Promise<void> {
  try {
    await mkdir(join(dir, '..'), { recursive: true });
    await mkdir(dir, { mode: 0o700 }).catch((error: unknown) => {
      if (!isErrno(error, 'EEXIST')) throw error;
    });
  } catch (error) {
    throw new PodKeyError('key-unwritable', dir, `cannot create the key directory ${dir}: ${describe(error)}`, { cause: error });
  }
  const info = await stat(dir).catch((error: unknown) => {
    throw new PodKeyError('key-unreadable', dir, `cannot read the key directory ${dir}: ${describe(error)}`, { cause: error });
  });
  if (!info.isDirectory()) {
    throw new PodKeyError('key-unreadable', dir, `${dir} is not a directory`);
  }
  // Whoever can write the directory can swap the keys: refuse, as ssh's StrictModes does.
  if ((info.mode & 0o022) !== 0) {
    throw new PodKeyError(
      'key-permissions',
      dir,
      `key directory ${dir} has mode ${octal(info.mode)}, writable by others; run: chmod 700 ${dir}`,
    );
  }
}

async function removeStaleTempFiles(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith('.tmp'))) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (info !== null && Date.now() - info.mtimeMs > STALE_TEMP_MS) await unlink(path).catch(() => undefined);
  }
}

async function loadOrCreateKey(path: string, spec: KeySpec): Promise<PodKeyPair> {
  const existing = await readKeyFile(path);
  if (existing !== null) return parseKey(path, existing, spec);
  const privateKey = await spec.generate();
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const written = await writeIfAbsent(path, pem);
  if (written) return pair(path, privateKey);
  // Another process created the key between our read and our write: use theirs.
  const theirs = await readKeyFile(path);
  if (theirs === null) throw new PodKeyError('key-unreadable', path, `key file ${path} vanished while it was being created`);
  return parseKey(path, theirs, spec);
}

/** The file's text, or null when it does not exist. Checks the mode on the open descriptor. */
async function readKeyFile(path: string): Promise<string | null> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return null;
    throw new PodKeyError('key-unreadable', path, `cannot open key file ${path}: ${describe(error)}`, { cause: error });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new PodKeyError('key-unreadable', path, `key file ${path} is not a regular file`);
    if ((info.mode & 0o077) !== 0) {
      throw new PodKeyError(
        'key-permissions',
        path,
        `key file ${path} has mode ${octal(info.mode)}, readable by others; run: chmod 600 ${path}`,
      );
    }
    return await handle.readFile('utf8');
  } catch (error) {
    if (error instanceof PodKeyError) throw error;
    throw new PodKeyError('key-unreadable', path, `cannot read key file ${path}: ${describe(error)}`, { cause: error });
  } finally {
    await handle.close();
  }
}

function parseKey(path: string, pem: string, spec: KeySpec): PodKeyPair {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch (error) {
    throw new PodKeyError('key-unreadable', path, `key file ${path} does not hold a PEM private key (${describe(error)})`, {
      cause: error,
    });
  }
  const problem = spec.check(privateKey);
  if (problem !== null) throw new PodKeyError('key-unreadable', path, `key file ${path}: ${problem}`);
  return pair(path, privateKey);
}

function pair(path: string, privateKey: KeyObject): PodKeyPair {
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string, path };
}

/**
 * Writes a complete, synced temp file, then links it into place. link() fails when the
 * target exists, so a concurrent writer's key is never overwritten; rename() is only the
 * fallback for file systems without hard links.
 */
async function writeIfAbsent(path: string, content: string): Promise<boolean> {
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(temp, path);
    } catch (error) {
      if (isErrno(error, 'EEXIST')) return false;
      if (!isErrno(error, 'EPERM') && !isErrno(error, 'ENOTSUP') && !isErrno(error, 'EOPNOTSUPP')) throw error;
      if ((await readKeyFile(path)) !== null) return false;
      await rename(temp, path);
    }
    await syncDirectory(join(path, '..'));
    return true;
  } catch (error) {
    if (error instanceof PodKeyError) throw error;
    throw new PodKeyError('key-unwritable', path, `cannot write key file ${path}: ${describe(error)}`, { cause: error });
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** Makes the new directory entry durable: without it a power cut can lose a key already in use. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function octal(mode: number): string {
  return '0' + (mode & 0o777).toString(8);
}

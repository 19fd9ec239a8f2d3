import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Keeps specs to the checkout: a spec that reads a file beside it (`../shared/…`, another
 * clone) passes on the machine that has that folder and fails on every other, CI's clean
 * clone first. scripts/run-tests.mjs loads confined-reads.register.js into every test
 * process (`node --test --import`), which wraps node:fs so that such a read throws and the
 * test file fails even when the spec catches the error. A checkout inside the temp folder (a
 * throwaway clone in /tmp) has the tests' own temp folders beside it: there the hook cannot
 * tell them apart and lets temp reads through; confined-reads.int.spec.ts also scans the
 * sources for the usual way of climbing out, `new URL('../…', import.meta.url)`.
 */

export const OUTSIDE_CODE = 'ERR_READ_OUTSIDE_REPOSITORY';

/** The top-level folders of a Linux system, when a checkout sits right under `/`. */
const SYSTEM_FOLDERS = new Set(['bin', 'boot', 'dev', 'etc', 'home', 'lib', 'lib32', 'lib64', 'libx32', 'media', 'mnt', 'opt', 'proc', 'root', 'run', 'sbin', 'srv', 'sys', 'tmp', 'usr', 'var']);

function within(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The folders of PATH: npm run puts every ancestor's `node_modules/.bin` there, beside a checkout. */
function searchPath(): string[] {
  return (process.env.PATH ?? '').split(delimiter).filter((dir) => isAbsolute(dir));
}

/**
 * Whether `path` lies beside the checkout `root` rather than in it: in the folder that holds
 * the checkout, outside the checkout itself. The temporary folder, the system's folders,
 * the folders of PATH (looking a tool up is not reading a fixture) and hidden entries (a
 * home folder's `.cache`, `.npmrc`: tools' own files, not fixtures) are not.
 */
export function besideCheckout(path: string, root: string, temp: string = tmpdir(), toolFolders: string[] = searchPath()): boolean {
  const target = resolve(root, path);
  const parent = dirname(root);
  if (within(target, root) || !within(target, parent) || within(target, temp)) return false;
  if (toolFolders.some((folder) => within(target, folder))) return false;
  const first = relative(parent, target).split(sep)[0];
  if (first.startsWith('.')) return false;
  return !(parent === dirname(parent) && SYSTEM_FOLDERS.has(first));
}

type PathLike = string | Buffer | URL | number;

function pathOf(value: PathLike): string | null {
  if (typeof value === 'string') return value;
  if (value instanceof URL) return value.protocol === 'file:' ? fileURLToPath(value) : null;
  if (Buffer.isBuffer(value)) return value.toString();
  return null; // a file descriptor: its path was checked when it was opened
}

/** fs functions whose first argument is a path that is read (or looked at) rather than written. */
const READERS = ['readFile', 'open', 'readdir', 'opendir', 'stat', 'lstat', 'access', 'exists', 'realpath', 'copyFile', 'cp', 'createReadStream', 'watch', 'watchFile'];
const PROMISE_READERS = ['readFile', 'open', 'readdir', 'opendir', 'stat', 'lstat', 'access', 'realpath', 'copyFile', 'cp'];

/** Wraps node:fs (callbacks, sync and promises) so that reads beside the checkout throw. */
export function confineReads(root: string): { violations: string[] } {
  const violations: string[] = [];
  const check = (value: PathLike) => {
    const path = pathOf(value);
    if (path === null || !besideCheckout(path, root)) return;
    const message = `a test read ${resolve(root, path)}, outside the repository (${root}): vendor the file under test/fixtures/ (see its README.md)`;
    violations.push(message);
    console.error(`confined-reads: ${message}\n${new Error().stack?.split('\n').slice(3, 8).join('\n')}`);
    throw Object.assign(new Error(message), { code: OUTSIDE_CODE });
  };
  const wrap = (target: Record<string, any>, name: string, promises = false) => {
    const original = target[name];
    if (typeof original !== 'function' || original.__confined) return;
    const wrapped = function (this: unknown, first: PathLike, ...rest: unknown[]) {
      try {
        check(first);
      } catch (error) {
        if (promises) return Promise.reject(error);
        throw error;
      }
      return original.call(this, first, ...rest);
    };
    // realpathSync.native, exists' util.promisify.custom…
    for (const key of Reflect.ownKeys(original)) {
      if (key === 'length' || key === 'name' || key === 'prototype') continue;
      Object.defineProperty(wrapped, key, Object.getOwnPropertyDescriptor(original, key)!);
    }
    Object.defineProperty(wrapped, '__confined', { value: true });
    target[name] = wrapped;
  };
  const target = fs as unknown as Record<string, any>;
  for (const name of READERS) {
    wrap(target, name);
    if (!name.startsWith('create') && !name.startsWith('watch')) wrap(target, `${name}Sync`);
  }
  wrap(target.realpathSync, 'native');
  wrap(target.realpath, 'native');
  for (const name of PROMISE_READERS) wrap(fs.promises as unknown as Record<string, any>, name, true);
  // `import { readFileSync } from 'node:fs'` binds the exports as they are now.
  syncBuiltinESMExports();
  process.on('exit', () => {
    if (violations.length === 0) return;
    console.error(`confined-reads: ${violations.length} read(s) outside the repository; failing this test file`);
    process.exitCode = 1;
  });
  return { violations };
}

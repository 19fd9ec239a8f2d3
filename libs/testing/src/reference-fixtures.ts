import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Files from other projects (schemas, real captures) that specs compare our output with,
 * vendored in test/fixtures/ with their source and licence (its README.md). They are read
 * from the checkout itself, whether the spec runs from its source or from dist/.
 */

let root: string | null = null;

/** The checkout: the first folder above this file with package.json and package-lock.json. */
export function repositoryRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!(existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'package-lock.json')))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no checkout above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  root = dir;
  return dir;
}

/** The path of a vendored file, e.g. `referenceFixture('nodeinfo/schema-2.1.json')`. */
export function referenceFixture(name: string): string {
  return join(repositoryRoot(), 'test', 'fixtures', name);
}

export function readReferenceJson<T = any>(name: string): T {
  return JSON.parse(readFileSync(referenceFixture(name), 'utf8')) as T;
}

/**
 * Shared by the specs of this library: the published vectors (copied from the reference
 * folder so that a clone tests on its own), test keys, a recording key resolver, and an
 * independent draft-cavage signer that can produce the malformed variants a real one won't.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { KeyResolver, ResolvedKey } from './types.js';

const FIXTURES = fileURLToPath(new URL('../../../../libs/http-signatures/fixtures/', import.meta.url));

export function fixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(FIXTURES + name, 'utf8')) as T;
}

export interface TestKeys {
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
}

const made = new Map<string, TestKeys>();
/** One key pair per label and process: RSA generation takes tens of milliseconds. */
export function rsaKeys(label: string, modulusLength = 2048): TestKeys {
  const cacheKey = `${label}/${modulusLength}`;
  let keys = made.get(cacheKey);
  if (!keys) {
    keys = generateKeyPairSync('rsa', { modulusLength });
    made.set(cacheKey, keys);
  }
  return keys;
}

export interface RecordingResolver {
  readonly resolve: KeyResolver;
  readonly calls: Array<{ keyId: string; refresh: boolean }>;
}

/** Answers from a table, the refresh answer possibly differing from the cached one. */
export function recordingResolver(answer: (keyId: string, refresh: boolean) => ResolvedKey | null): RecordingResolver {
  const calls: Array<{ keyId: string; refresh: boolean }> = [];
  return {
    calls,
    resolve: async (keyId, { refresh }) => {
      calls.push({ keyId, refresh });
      return answer(keyId, refresh);
    },
  };
}

export interface RawSignInput {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly names: readonly string[];
  readonly privateKey: KeyObject;
  readonly keyId?: string;
  /** undefined writes no algorithm parameter. */
  readonly algorithm?: string;
  readonly created?: number;
  readonly expires?: number;
}

/** A draft-cavage Signature header built by hand, with any header list and parameters. */
export function rawCavageSignature(input: RawSignInput): string {
  const lines = input.names.map((name) => {
    if (name === '(request-target)') return `${name}: ${input.method.toLowerCase()} ${input.path}`;
    if (name === '(created)') return `${name}: ${input.created}`;
    if (name === '(expires)') return `${name}: ${input.expires}`;
    return `${name}: ${input.headers[name]}`;
  });
  const signature = sign('sha256', Buffer.from(lines.join('\n')), input.privateKey).toString('base64');
  const params = [`keyId="${input.keyId ?? 'https://remote.example/actor#main-key'}"`];
  if (input.algorithm !== undefined) params.push(`algorithm="${input.algorithm}"`);
  if (input.created !== undefined) params.push(`created=${input.created}`);
  if (input.expires !== undefined) params.push(`expires=${input.expires}`);
  params.push(`headers="${input.names.join(' ')}"`, `signature="${signature}"`);
  return params.join(',');
}

/** Header names as Node presents them to a server. */
export function lowerCased(headers: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name.toLowerCase()] = value;
  return out;
}

import type { HeaderRecord } from './types.js';

/** `(request-target)` per draft-cavage: lower-case method, a space, the path as sent. */
export function requestTarget(method: string, pathAndQuery: string): string {
  return `${method.toLowerCase()} ${pathAndQuery}`;
}

/** The path and query of what the caller passed: a request line target or an absolute URL. */
export function pathAndQueryOf(url: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    try {
      const parsed = new URL(url);
      return parsed.pathname + parsed.search;
    } catch {
      return url;
    }
  }
  return url;
}

/** The path without its query: how Fedify and older Mastodon build `(request-target)`. */
export function withoutQuery(pathAndQuery: string): string {
  const q = pathAndQuery.indexOf('?');
  return q < 0 ? pathAndQuery : pathAndQuery.slice(0, q);
}

/**
 * One header's value as it enters the signing string: trimmed, repeated fields joined by
 * ", " (draft-cavage 2.3). undefined when the request lacks it. Own properties only, so that
 * a signed "constructor" or "__proto__" never reads Object's prototype.
 */
export function headerValue(headers: HeaderRecord, name: string): string | undefined {
  if (!Object.prototype.hasOwnProperty.call(headers, name)) return undefined;
  const value: unknown = headers[name];
  if (typeof value === 'string') return value.trim();
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return value.map((v: string) => v.trim()).join(', ');
  return undefined;
}

/** `name: value` lines joined by "\n", no trailing newline. */
export function signingString(lines: ReadonlyArray<readonly [string, string]>): string {
  return lines.map(([name, value]) => `${name}: ${value}`).join('\n');
}

/**
 * The rules a name and a URL must follow, shared by the writer (which throws: the caller
 * made a mistake) and the reader (which reports: the bytes came from outside).
 */

/** A single-file torrent's name is the file name every peer saves under: one path segment. */
export function nameProblem(name: string): string | null {
  if (name.length === 0) return 'the name is empty';
  if (name === '.' || name === '..') return `the name ${JSON.stringify(name)} is not a file name`;
  if (/[/\\\0]/.test(name)) return 'the name contains a path separator or NUL (a peer would write outside its folder)';
  // A lone surrogate has no UTF-8 form: it would be written as U+FFFD, not as given.
  if (/\p{Cs}/u.test(name)) return 'the name is not valid Unicode (lone surrogate)';
  if (Buffer.byteLength(name, 'utf8') > 255) return 'the name is longer than 255 bytes (too long for a file name on most file systems)';
  return null;
}

const TRACKER_PROTOCOLS = new Set(['http:', 'https:', 'udp:', 'ws:', 'wss:']);
const WEB_SEED_PROTOCOLS = new Set(['http:', 'https:']);

export function trackerProblem(url: string): string | null {
  return urlProblem(url, TRACKER_PROTOCOLS, 'tracker');
}

/** BEP 19 web seeds are fetched with HTTP range requests. */
export function webSeedProblem(url: string): string | null {
  return urlProblem(url, WEB_SEED_PROTOCOLS, 'web seed');
}

function urlProblem(url: string, protocols: ReadonlySet<string>, what: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${what} ${JSON.stringify(url)} is not a URL`;
  }
  if (!protocols.has(parsed.protocol)) return `${what} ${JSON.stringify(url)}: ${parsed.protocol} is not one of ${[...protocols].join(' ')}`;
  return null;
}

/** The first problem in a list of URLs, duplicates included (one is a config mistake). */
export function urlListProblem(urls: readonly string[], problem: (url: string) => string | null): string | null {
  const seen = new Set<string>();
  for (const url of urls) {
    const found = problem(url);
    if (found) return found;
    if (seen.has(url)) return `${JSON.stringify(url)} is listed twice`;
    seen.add(url);
  }
  return null;
}

/**
 * RFC 8785 JSON Canonicalization Scheme, for the JSON that `JSON.parse` gives: object keys
 * sorted by UTF-16 code units, no whitespace, numbers and strings as ECMAScript serializes
 * them. What the pods sign and hash (libs/event-envelope/src/canonical.ts uses `canonicalize`,
 * which does the same).
 */
export function canonicalize(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('JCS has no form for NaN or Infinity');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalize(item))).join(',')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalize(record[key])}`).join(',')}}`;
  }
  throw new TypeError(`JCS has no form for a ${typeof value}`);
}

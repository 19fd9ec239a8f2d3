/**
 * Read models write `$1, $2, …` on both dialects. SQLite gets plain `?` in order of
 * appearance, with the values repeated as needed: numbered `?N` would break on a gap
 * (a statement using $1 and $3 only), and positional binding has no such case.
 */
export interface RewrittenSql {
  sql: string;
  /** For each `?`, the 0-based index into the caller's params. */
  order: number[];
}

// Quoted strings and identifiers are skipped, so a literal '$5' stays text.
const TOKENS = /'(?:[^']|'')*'|"(?:[^"]|"")*"|\$(\d+)/g;

export function rewriteDollarParameters(sql: string): RewrittenSql {
  const order: number[] = [];
  const rewritten = sql.replace(TOKENS, (match, digits: string | undefined) => {
    if (digits === undefined) return match;
    order.push(Number(digits) - 1);
    return '?';
  });
  return { sql: rewritten, order };
}

/** Values SQLite cannot bind become the nearest thing it can: 1/0, ISO text, JSON text, null. */
export function toSqliteValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value) && !(value instanceof Uint8Array)) return JSON.stringify(value);
  return value;
}

export function bindParameters(rewritten: RewrittenSql, params: readonly unknown[] | undefined): unknown[] {
  const values = params ?? [];
  return rewritten.order.map((index) => {
    if (index < 0 || index >= values.length) throw new RangeError(`statement uses $${index + 1} but ${values.length} parameter(s) were given`);
    return toSqliteValue(values[index]);
  });
}

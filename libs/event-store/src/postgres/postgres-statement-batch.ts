import pg from 'pg';
import type { SqlStatement } from '../read-model-database.port.js';

// Quoted strings and identifiers are skipped, so a literal '$5' stays text.
const TOKENS = /'(?:[^']|'')*'|"(?:[^"]|"")*"|\$(\d+)/g;

/**
 * A value as a quoted literal, which PostgreSQL types from its context exactly as it types
 * a parameter sent in text form (what `pg` does): so inlining changes no meaning.
 */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`cannot store ${value} in a read model`);
    return `'${value}'`;
  }
  if (typeof value === 'bigint' || typeof value === 'boolean') return `'${value}'`;
  if (value instanceof Date) return pg.escapeLiteral(value.toISOString());
  if (Buffer.isBuffer(value)) return `'\\x${value.toString('hex')}'`;
  if (typeof value === 'object') return pg.escapeLiteral(JSON.stringify(value));
  return pg.escapeLiteral(String(value));
}

export function inlineParameters(statement: SqlStatement): string {
  const params = statement.params ?? [];
  return statement.sql.replace(TOKENS, (match, digits: string | undefined) => {
    if (digits === undefined) return match;
    const index = Number(digits) - 1;
    if (index < 0 || index >= params.length) throw new RangeError(`statement uses $${index + 1} but ${params.length} parameter(s) were given`);
    return literal(params[index]);
  });
}

const MAX_BATCH_CHARS = 1_000_000;

/**
 * Statements as a few multi-statement texts of at most ~1 MB each: one round trip per text
 * instead of one per statement, which is what makes a rebuild of the read models fast.
 */
export function batchStatements(statements: readonly SqlStatement[]): string[] {
  const texts: string[] = [];
  let current: string[] = [];
  let size = 0;
  for (const statement of statements) {
    const sql = inlineParameters(statement);
    if (size + sql.length > MAX_BATCH_CHARS && current.length > 0) {
      texts.push(current.join(';\n'));
      current = [];
      size = 0;
    }
    current.push(sql);
    size += sql.length + 2;
  }
  if (current.length > 0) texts.push(current.join(';\n'));
  return texts;
}

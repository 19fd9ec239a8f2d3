import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { batchStatements, inlineParameters } from './postgres-statement-batch.js';

describe('inlining read-model parameters for PostgreSQL', () => {
  test('values become quoted literals; quotes, backslashes and $n inside text stay inert', () => {
    assert.equal(
      inlineParameters({ sql: `INSERT INTO t (a, b, c, d, e) VALUES ($1, $2, $3, $4, '$1')`, params: ["O'Brien \\ $2", 42, null, true] }),
      `INSERT INTO t (a, b, c, d, e) VALUES ( E'O''Brien \\\\ $2', '42', NULL, 'true', '$1')`,
    );
    assert.equal(inlineParameters({ sql: 'SELECT $1, $1', params: [[1, 'x']] }), `SELECT '[1,"x"]', '[1,"x"]'`);
  });

  test('a missing parameter or a non-finite number is refused, not inlined', () => {
    assert.throws(() => inlineParameters({ sql: 'SELECT $2', params: [1] }), RangeError);
    assert.throws(() => inlineParameters({ sql: 'SELECT $1', params: [Number.NaN] }), RangeError);
  });

  test('statements are joined into texts of bounded size', () => {
    const statements = Array.from({ length: 3000 }, (_, i) => ({ sql: 'INSERT INTO t VALUES ($1)', params: ['x'.repeat(1000) + i] }));
    const texts = batchStatements(statements);
    assert.ok(texts.length >= 3);
    assert.ok(texts.every((t) => t.length <= 1_010_000));
    assert.equal(texts.join(';\n').split(';\n').length, 3000);
  });
});

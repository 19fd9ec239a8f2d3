import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bindParameters, rewriteDollarParameters, toSqliteValue } from './sqlite-parameters.js';

describe('read-model SQL on SQLite: $N placeholders', () => {
  test('become positional ? in order of appearance, repeats included', () => {
    const rewritten = rewriteDollarParameters('UPDATE t SET a = $2, b = $1 WHERE id = $2 AND n > $10');
    assert.equal(rewritten.sql, 'UPDATE t SET a = ?, b = ? WHERE id = ? AND n > ?');
    assert.deepEqual(rewritten.order, [1, 0, 1, 9]);
  });

  test('inside quoted text or identifiers stay as they are', () => {
    const rewritten = rewriteDollarParameters(`SELECT '$1 it''s $2' AS "col$3", $1 AS v`);
    assert.equal(rewritten.sql, `SELECT '$1 it''s $2' AS "col$3", ? AS v`);
    assert.deepEqual(rewritten.order, [0]);
  });

  test('a statement asking for more parameters than given is a clear error', () => {
    assert.throws(() => bindParameters(rewriteDollarParameters('SELECT $3'), [1]), /uses \$3 but 1 parameter/);
  });

  test('values SQLite cannot bind are converted, others pass through', () => {
    assert.deepEqual([true, false, undefined, null, 3, 'x'].map(toSqliteValue), [1, 0, null, null, 3, 'x']);
    assert.equal(toSqliteValue(new Date('2026-01-01T00:00:00.000Z')), '2026-01-01T00:00:00.000Z');
    assert.equal(toSqliteValue({ tags: ['a'] }), '{"tags":["a"]}');
    const buffer = Buffer.from('ab');
    assert.equal(toSqliteValue(buffer), buffer);
  });
});

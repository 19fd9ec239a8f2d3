import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HTTP_STATUS_BY_CODE, isProblemCode, ProblemError, statusForCode } from './problem.js';

describe('problem codes: one table, one union', () => {
  test('a code of the table has its status; any other string is a 500', () => {
    assert.equal(statusForCode('not-found'), 404);
    assert.equal(statusForCode('vote-on-self'), 422);
    assert.equal(statusForCode('file-not-found'), 500);
    assert.equal(statusForCode('toString'), 500, 'not a key of the prototype either');
    assert.equal(isProblemCode('constructor'), false);
  });

  test('every status is an HTTP error status', () => {
    for (const [code, status] of Object.entries(HTTP_STATUS_BY_CODE)) assert.ok(status >= 400 && status <= 599, code);
  });

  test('a code missing from the table does not compile', () => {
    // @ts-expect-error: 'not-fonud' is not a ProblemCode (the build fails if this ever compiles).
    const typo = new ProblemError('not-fonud', 'typo');
    assert.equal(statusForCode(typo.code), 500);
    assert.equal(new ProblemError('not-found', 'no such video').code, 'not-found');
  });
});

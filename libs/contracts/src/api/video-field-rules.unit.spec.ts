import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findEventsFolder } from '../events/event-schema-files.js';
import * as rules from './video-field-rules.js';

/** The limits the pod and the site check are the event schemas' own: they may not drift apart. */
describe('video field rules', () => {
  const defs = JSON.parse(readFileSync(join(findEventsFolder(), 'common.schema.json'), 'utf8')).$defs;

  it('match events/common.schema.json', () => {
    assert.deepEqual([defs.videoName.minLength, defs.videoName.maxLength], [rules.NAME_MIN, rules.NAME_MAX]);
    assert.equal(defs.videoDescription.maxLength, rules.DESCRIPTION_MAX);
    assert.equal(defs.videoTags.maxItems, rules.TAGS_MAX);
    assert.deepEqual([defs.videoTags.items.minLength, defs.videoTags.items.maxLength], [rules.TAG_MIN, rules.TAG_MAX]);
  });

  it('forbid the control characters the schemas forbid', () => {
    const description = new RegExp(defs.videoDescription.pattern, 'u');
    for (let code = 0; code < 0x80; code++) {
      const char = String.fromCharCode(code);
      assert.equal(rules.DESCRIPTION_FORBIDDEN.test(char), !description.test(char), `description, U+${code.toString(16)}`);
      assert.equal(rules.ONE_LINE_FORBIDDEN.test(char), code < 0x20 || code === 0x7f, `one line, U+${code.toString(16)}`);
    }
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalize } from '../../../../libs/event-envelope/src/canonical.js';
import type { EventEnvelope } from '../../../../libs/event-envelope/src/envelope.js';
import { validateEnvelope } from '../../../../libs/contracts/src/events/event-validator.js';
import {
  MAX_ACTIVITY_BYTES,
  MAX_COLLECTION_FRAME_BYTES,
  MAX_EVENT_BYTES,
  MAX_INBOX_BODY_BYTES,
  MAX_PULL_ANSWER_BYTES,
} from '../../../../libs/contracts/src/federation/federation-limits.js';
import { createTestSealer } from '../../../../libs/testing/src/test-sealer.js';
import { activityFor, deliveryBatch, deliveryItem } from './activities.js';

/**
 * The largest events the schemas admit, built field by field at their maximum in the costliest
 * characters JSON has, signed, and checked valid: each one's encoded size, its activity's and a
 * delivery of it alone stay under the protocol's bounds (federation-limits.ts), so a single
 * event can always travel in one request.
 */

const HOST = `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}:65535`;
const ORIGIN = `http://${HOST}/federation/actor`;
const UUID = '0190a5b2-ffff-7fff-bfff-ffffffffffff';
let nextId = 0;

function seal(type: string, data: Record<string, unknown>, originSeq = 1_000_000): EventEnvelope {
  const sealer = createTestSealer(ORIGIN);
  return sealer.seal({
    id: `urn:uuid:0190a5b2-0000-7000-8000-${String(nextId++).padStart(12, '0')}`,
    type,
    schemaVersion: 1,
    origin: ORIGIN,
    originSeq,
    prevHash: 'f'.repeat(64),
    stream: `video:${UUID}`,
    occurredAt: '2026-12-07T12:00:00.123456789+00:00',
    data,
  });
}

/** A one-line text of `length` characters, each as costly as `character` (first and last not blank). */
const line = (length: number, character: string, tag = '') => `${tag}${character.repeat(length - tag.length)}`;

/** A URL of exactly 2048 characters, all of them plain ASCII (the schemas admit nothing else in a URL). */
const url = (n: number) => `http://${HOST}/${n}/`.padEnd(2048, 'x');

/** The costliest magnet: 8192 characters, MAX_TRACKER_LINKS-plus trackers that decode to control characters. */
function magnet(infoHash: string): string {
  const trackers = Array.from({ length: 25 }, (_, i) => `&tr=ws:${i}${'%00'.repeat(100)}`).join('');
  return `magnet:?xt=urn:btih:${infoHash}${trackers}&dn=`.padEnd(8192, 'x');
}

function largestVideoPublished(character: string): EventEnvelope {
  const infoHash = 'f'.repeat(40);
  return seal('VideoPublished', {
    uuid: UUID,
    name: line(120, character),
    description: character.repeat(10_000),
    tags: [0, 1, 2, 3, 4].map((i) => line(30, character, `${i}`)),
    duration: 1_000_000,
    size: 9007199254740991,
    mimeType: `video/${'x'.repeat(64)}`,
    infoHash,
    magnetUri: magnet(infoHash),
    torrentUrl: url(100),
    webSeedUrls: Array.from({ length: 10 }, (_, i) => url(i)),
    thumbnailUrl: url(200),
    publishedAt: '2026-12-07T12:00:00.123456789+00:00',
    account: { username: 'u'.repeat(50), displayName: line(120, character) },
  });
}

function largestVideoUpdated(character: string): EventEnvelope {
  return seal('VideoUpdated', { uuid: UUID, name: line(120, character), description: character.repeat(10_000), tags: [0, 1, 2, 3, 4].map((i) => line(30, character, `${i}`)) });
}

/** The costliest characters a description may hold: a lone surrogate (\udXXX), a quote (\"), a 4-byte emoji, a 3-byte CJK one. */
const CHARACTERS = ['\ud800', '"', '😀', '视'];

describe('one event always travels alone: the largest events the schemas admit, against the bounds', () => {
  test('the bounds fit inside one another: an activity and its Collection in one inbox request, an event in a pull page', () => {
    assert.ok(MAX_ACTIVITY_BYTES + MAX_COLLECTION_FRAME_BYTES <= MAX_INBOX_BODY_BYTES);
    assert.ok(MAX_EVENT_BYTES + 1024 <= MAX_PULL_ANSWER_BYTES);
  });

  for (const character of CHARACTERS) {
    for (const build of [largestVideoPublished, largestVideoUpdated]) {
      test(`${build.name.replace('largest', '')} at every maximum in ${JSON.stringify(character)}`, (t) => {
        const event = build(character);
        const validation = validateEnvelope(event);
        if (!validation.ok) {
          // Not every character is allowed everywhere: then this event does not exist, and costs nothing.
          t.diagnostic(`refused by the schemas: ${validation.message}`);
          return;
        }
        const eventBytes = Buffer.byteLength(canonicalize(event));
        const activityBytes = Buffer.byteLength(JSON.stringify(activityFor(event)));
        const alone = deliveryBatch([deliveryItem(event)], MAX_INBOX_BODY_BYTES);
        t.diagnostic(`event ${eventBytes} B, activity ${activityBytes} B, delivered alone ${alone.bytes} B`);
        assert.ok(eventBytes <= MAX_EVENT_BYTES, `event ${eventBytes} > ${MAX_EVENT_BYTES}`);
        assert.ok(activityBytes <= MAX_ACTIVITY_BYTES, `activity ${activityBytes} > ${MAX_ACTIVITY_BYTES}`);
        assert.equal(alone.count, 1);
        assert.ok(alone.bytes <= MAX_INBOX_BODY_BYTES, `delivery ${alone.bytes} > ${MAX_INBOX_BODY_BYTES}`);
      });
    }
  }

  test('the costliest characters are admitted somewhere: the bound is not vacuous', () => {
    assert.ok(validateEnvelope(largestVideoPublished('视')).ok, JSON.stringify(validateEnvelope(largestVideoPublished('视'))));
    assert.ok(validateEnvelope(largestVideoUpdated('"')).ok);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readGoldenExample } from '@swarmtube/contracts';
import type { EventEnvelope } from '@swarmtube/event-envelope';
import type { StoredEvent } from '@swarmtube/event-store';
import { peerTubeVerdict } from '@swarmtube/testing';
import { NO_MEDIA_FACTS, type MediaFacts } from '../../videos/local-media-facts.js';
import { activityFor } from '../activities.js';
import { foldOriginVideo } from './origin-video.js';
import { OriginVideoObjects } from './origin-video-objects.js';

/**
 * The Video objects the origin serves: the fold of a video's stream (now, or just after one of
 * its updates), and what OriginVideoObjects makes of it, on the golden examples of
 * events/Video*: published at 17:00, renamed and retagged at 18:22, deleted on the 30th.
 */

const ME = 'http://localhost:9001/federation/actor';
const OTHER = 'http://other.test:9002/federation/actor';
const UUID = 'f2c5e6a8-3b1d-4c7e-9a2f-8d4b6e1c0a93';
const FACTS: MediaFacts = { thumbnail: { width: 640, height: 360 }, picture: { width: 1280, height: 720, frameRate: 25 } };

const golden = (type: string) => readGoldenExample(type) as unknown as EventEnvelope;
const published = golden('VideoPublished');
const updated = golden('VideoUpdated');
const deleted = golden('VideoDeleted');
/** An event of another pod in the same stream: it must change nothing of ours. */
const forged: EventEnvelope = { ...updated, id: 'urn:uuid:0000000a-0000-7000-8000-000000000000', origin: OTHER, occurredAt: '2026-11-26T00:00:00.000Z', data: { uuid: UUID, name: 'Hijacked' } };

function objects(events: EventEnvelope[], facts: MediaFacts = FACTS): OriginVideoObjects {
  const store = { readStream: async () => events.map((event, i) => ({ position: i + 1, streamVersion: i + 1, hash: '', event }) as StoredEvent) };
  return new OriginVideoObjects(store, ME, { of: async () => facts });
}

describe('foldOriginVideo', () => {
  test("publication, then updates: the video as its origin's events leave it", () => {
    const video = foldOriginVideo([published, forged, updated], ME);
    assert.equal(video?.state, 'published');
    if (video?.state !== 'published') return;
    assert.equal(video.source.data.name, 'Sunrise over the Vercors (timelapse)');
    assert.deepEqual(video.source.data.tags, ['timelapse', 'mountains', 'sunrise', 'vercors']);
    assert.equal(video.source.data.description, (published.data as any).description, 'unchanged fields stay');
    assert.equal(video.source.updatedAt, updated.occurredAt);
  });

  test('through an event: the video just after it', () => {
    const video = foldOriginVideo([published, updated, deleted], ME, published.id);
    assert.equal(video?.state === 'published' && video.source.data.name, (published.data as any).name);
    assert.equal(video?.state === 'published' && video.source.updatedAt, (published.data as any).publishedAt);
    assert.deepEqual(foldOriginVideo([published, updated, deleted], ME), { state: 'deleted', deletedAt: deleted.occurredAt });
  });

  test('another origin never published it here; an update alone publishes nothing', () => {
    assert.equal(foldOriginVideo([published, updated], OTHER), null);
    assert.equal(foldOriginVideo([updated, deleted], ME), null);
    assert.equal(foldOriginVideo([], ME), null);
  });
});

describe('OriginVideoObjects', () => {
  test('at its id: the complete current Video, with the media facts, that passes every PeerTube check but the attribution', async () => {
    const found = await objects([published, updated]).atId(UUID);
    assert.equal(found.kind, 'video');
    if (found.kind !== 'video') return;
    const video = found.object as Record<string, any>;
    assert.equal(video.id, `http://localhost:9001/videos/watch/${UUID}`);
    assert.equal(video.name, 'Sunrise over the Vercors (timelapse)');
    assert.equal(video.updated, updated.occurredAt);
    assert.equal(video.published, (published.data as any).publishedAt);
    assert.deepEqual(video.icon[0].width, 640);
    assert.equal(peerTubeVerdict(video).refused, 'attributedTo');
  });

  test('deleted: a Tombstone; published by another pod: its id there; never seen: unknown', async () => {
    assert.deepEqual(await objects([published, updated, deleted]).atId(UUID), {
      kind: 'gone',
      object: { type: 'Tombstone', id: `http://localhost:9001/videos/watch/${UUID}`, formerType: 'Video', deleted: deleted.occurredAt },
    });
    const theirs = { ...published, origin: OTHER };
    assert.deepEqual(await objects([theirs]).atId(UUID), { kind: 'elsewhere', id: `http://other.test:9002/videos/watch/${UUID}` });
    assert.deepEqual(await objects([]).atId(UUID), { kind: 'unknown' });
  });

  test('in the outbox, an Update carries the whole Video just after it, a Create the Video as published', async () => {
    const source = objects([published, updated, deleted]);
    const update = await source.outboxActivity(updated);
    const { '@context': _context, ...plain } = activityFor(updated);
    assert.deepEqual({ ...update, object: undefined }, { ...plain, object: undefined }, 'the same activity, its events included');
    const object = update.object as Record<string, any>;
    assert.equal(object.updated, updated.occurredAt);
    assert.equal(object.name, 'Sunrise over the Vercors (timelapse)');
    assert.equal(object.duration, 'PT184S');
    assert.equal(peerTubeVerdict(object).refused, 'attributedTo', 'complete: no longer refused for a missing field');
    // What the partial object lacked (video-object.unit.spec.ts), the complete one has.
    for (const key of ['duration', 'views', 'published', 'url', 'icon']) assert.ok(key in object, key);

    const create = (await source.outboxActivity(published)).object as Record<string, any>;
    assert.equal(create.name, (published.data as any).name, 'as published, not as renamed since');
    assert.deepEqual(create.icon[0].height, 360);
  });

  test('in the outbox, without facts (the video is gone from disk) the objects say what the events say; other activities are untouched', async () => {
    const source = objects([published, updated, deleted], NO_MEDIA_FACTS);
    const create = (await source.outboxActivity(published)).object as Record<string, any>;
    assert.ok(!('width' in create.icon[0]));
    const { '@context': _c, ...deleteActivity } = activityFor(deleted);
    assert.deepEqual(await source.outboxActivity(deleted), deleteActivity);
    const theirs = { ...updated, origin: OTHER };
    const { '@context': _d, ...foreign } = activityFor(theirs);
    assert.deepEqual(await source.outboxActivity(theirs), foreign, 'not ours: not completed');
  });
});

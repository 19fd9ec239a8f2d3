import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EventEnvelope } from '@swarmtube/event-envelope';
import type { StoredEvent } from '@swarmtube/event-store';
import { openReplayDatabase } from '../../audit/replay-database.js';
import { digestReadModel } from '../../projections/read-model-digest.js';
import { getVideo, listVideos, parseListVideosQuery } from '../../videos/queries/video-catalog.js';
import { videosProjectionFor } from '../../videos/projections/videos.projection.js';
import { mirrorsProjectionFor } from '../../mirrors/projections/mirrors.projection.js';
import { migrate } from '../../migrations/migrate.js';
import { friendshipsProjection } from './friendships.projection.js';
import { podsProjection } from './pods.projection.js';
import { statementsFor } from '../../projections/projection.js';
import { actor, describeOrder, eventBuilder, interleaving, seeded } from './projection-spec-support.js';

/**
 * An expulsion as the read models see it: the target's status and its videos' availability are
 * a function of the set of events (votes, outcome records by several pods, friendship events,
 * videos), whatever order a pod receives them in.
 */
const [A, B, C, D] = ['a', 'b', 'c', 'd'].map(actor);
const UUID = '0b5d8a4e-6a2f-4c61-9d0e-3f1c2b7a8e90';
const LATE_UUID = '1b5d8a4e-6a2f-4c61-9d0e-3f1c2b7a8e91';
const videos = videosProjectionFor('sqlite');
const projections = [podsProjection, friendshipsProjection, videos, mirrorsProjectionFor('sqlite')];

function history(options: { readmit: boolean }): EventEnvelope[] {
  const { make, now, joined, requested, accepted, vote: voteOn, record: recordOn } = eventBuilder();
  const published = (x: string, uuid: string) =>
    make(x, 'VideoPublished', {
      uuid, name: `Video ${uuid.slice(0, 4)}`, description: '', tags: [], duration: 1, size: 1, mimeType: 'video/mp4', infoHash: 'a'.repeat(40),
      magnetUri: `magnet:?xt=urn:btih:${'a'.repeat(40)}`, torrentUrl: 'http://x/t', webSeedUrls: [], thumbnailUrl: 'http://x/i', publishedAt: now(), account: { username: 'u' },
    }, `video:${uuid}`);
  const vote = (x: string, type: string) => voteOn(x, type, D);
  const record = (x: string, type: string, votes: EventEnvelope[]) => recordOn(x, type, D, votes);

  const events = [joined(A), joined(B), joined(C), joined(D), requested(B, A), accepted(B, A), requested(C, A), accepted(C, A), requested(D, A), accepted(D, A), requested(C, B), accepted(C, B)];
  events.push(published(D, UUID));
  // B mirrors D's video, C mirrors it and stops: the mirrors' rows too are a function of the events.
  const mirrored = (x: string) => make(x, 'VideoMirrored', { uuid: UUID, videoOrigin: D, infoHash: 'a'.repeat(40), torrentUrl: 'http://x/m', trackers: ['ws://x/tracker/socket'], webSeedUrls: [] }, `mirror:${UUID}`);
  events.push(mirrored(B), mirrored(C), make(C, 'VideoUnmirrored', { uuid: UUID, reason: 'expelled' }, `mirror:${UUID}`));
  const votes = [vote(A, 'ExpulsionVoteCast'), vote(B, 'ExpulsionVoteCast')];
  events.push(...votes);
  // A and B both saw the quorum and each recorded it.
  events.push(record(A, 'PodExpelled', votes), record(B, 'PodExpelled', votes));
  // D, not knowing, befriends C; C, not knowing either, accepts: D stays expelled.
  events.push(requested(D, C), accepted(D, C));
  // D goes on publishing: its video reaches the network through C, unavailable like the others.
  events.push(published(D, LATE_UUID));
  if (options.readmit) {
    const readmission = [vote(A, 'ReadmissionVoteCast'), vote(C, 'ReadmissionVoteCast')];
    events.push(...readmission, record(C, 'PodReadmitted', readmission));
  }
  return events;
}

/**
 * Event by event, every model for each (as the audit replays), or in batches of `batch` events
 * applied model by model (as the projection runner does).
 */
async function project(events: EventEnvelope[], batch = 1) {
  const db = openReplayDatabase();
  // The API's views also read this pod's health of the origins (local state).
  await migrate(db);
  for (const projection of projections) await db.execute(projection.createTables());
  const stored = events.map((event, index) => ({ position: index + 1, streamVersion: 1, hash: '', event }) as StoredEvent);
  for (let i = 0; i < stored.length; i += batch) {
    const slice = stored.slice(i, i + batch);
    await db.execute(batch === 1 ? projections.flatMap((p) => statementsFor(p, slice[0])) : projections.flatMap((p) => slice.flatMap((e) => statementsFor(p, e))));
  }
  const digests = Object.fromEntries(await Promise.all(projections.map(async (p) => [p.name, (await digestReadModel(db, p)).digest])));
  const status = (await db.query<{ status: string }>('SELECT status FROM rm_pods WHERE actor = $1', [D]))[0]?.status;
  const parsed = parseListVideosQuery({});
  assert.ok(parsed.ok);
  const listed = (await listVideos(db, parsed.query, A)).data.map((v) => v.uuid);
  const one = await getVideo(db, UUID, A);
  const late = await getVideo(db, LATE_UUID, A);
  db.close();
  return { digests, status, listed, available: [one?.available, late?.available], mirrors: one?.mirrors.map((m) => m.host) };
}

describe('an expulsion in the read models is a function of the events, not of their order', () => {
  test('expelled: status expelled even after a later friendship, videos kept but unavailable and not listed', async () => {
    const got = await project(history({ readmit: false }));
    assert.equal(got.status, 'expelled');
    assert.deepEqual(got.listed, []);
    assert.deepEqual(got.available, [false, false]);
    assert.deepEqual(got.mirrors, ['b.test']);
  });

  test('readmitted: active again, its videos listed and available', async () => {
    const got = await project(history({ readmit: true }));
    assert.equal(got.status, 'active');
    assert.deepEqual(got.listed.sort(), [UUID, LATE_UUID].sort());
    assert.deepEqual(got.available, [true, true]);
  });

  for (const readmit of [false, true]) {
    test(`100 interleavings of the origins' chains give the same read models (${readmit ? 'readmitted' : 'expelled'})`, async () => {
      const events = history({ readmit });
      const expected = await project(events);
      const random = seeded(readmit ? 7 : 11);
      for (let run = 0; run < 100; run++) {
        const order = interleaving(events, random);
        assert.deepEqual(await project(order, 1 + (run % 5) * 3), expected, `order: ${describeOrder(order)}`);
      }
    });
  }
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decidePublish, type PublishDecision, type PublishVideo } from './publish-video.js';
import { fold, type VideoEventLike } from './video.js';

const ME = 'http://pod-3.test/federation/actor';
const UUID = '0b5d8a4e-6a2f-4c61-9d0e-3f1c2b7a8e90';
const INFO_HASH = 'c9e15763f722f23e98a29decdfae341b98d53056';

const command: PublishVideo = {
  uuid: UUID,
  owner: 'camille',
  fields: { name: 'Big Buck Bunny', description: 'a rabbit', tags: ['animation'] },
  media: { durationSeconds: 9.52, size: 1_048_576, mimeType: 'video/mp4' },
  distribution: {
    infoHash: INFO_HASH,
    magnetUri: `magnet:?xt=urn:btih:${INFO_HASH}`,
    torrentUrl: `http://pod-3.test/static/torrents/${UUID}.torrent`,
    webSeedUrl: `http://pod-3.test/static/web-videos/${UUID}.mp4`,
    thumbnailUrl: `http://pod-3.test/static/thumbnails/${UUID}.jpg`,
  },
  publishedAt: '2026-12-07T12:00:00.000Z',
};

const published: VideoEventLike = { type: 'VideoPublished', origin: ME, data: { uuid: UUID, name: 'Big Buck Bunny', description: 'a rabbit', tags: ['animation'], account: { username: 'camille' } } };
const deleted: VideoEventLike = { type: 'VideoDeleted', origin: ME, data: { uuid: UUID } };

/** given the video's stream, when its job publishes it: then the decision. */
function given(history: VideoEventLike[]) {
  return { when: (publish: PublishVideo): PublishDecision => decidePublish(fold(history), publish) };
}

describe('publishing a processed upload: given the video\'s stream, when its job publishes', () => {
  test('an empty stream: one VideoPublished with the fields, the media facts and where it is served', () => {
    assert.deepEqual(given([]).when(command), {
      outcome: 'publish',
      drafts: [
        {
          type: 'VideoPublished',
          schemaVersion: 1,
          data: {
            uuid: UUID,
            name: 'Big Buck Bunny',
            description: 'a rabbit',
            tags: ['animation'],
            duration: 10,
            size: 1_048_576,
            mimeType: 'video/mp4',
            infoHash: INFO_HASH,
            magnetUri: `magnet:?xt=urn:btih:${INFO_HASH}`,
            torrentUrl: `http://pod-3.test/static/torrents/${UUID}.torrent`,
            webSeedUrls: [`http://pod-3.test/static/web-videos/${UUID}.mp4`],
            thumbnailUrl: `http://pod-3.test/static/thumbnails/${UUID}.jpg`,
            publishedAt: '2026-12-07T12:00:00.000Z',
            account: { username: 'camille' },
          },
        },
      ],
    });
  });

  test('the duration is whole seconds, rounded to the nearest', () => {
    const decision = given([]).when({ ...command, media: { ...command.media, durationSeconds: 0.4 } });
    assert.equal(decision.outcome === 'publish' && (decision.drafts[0].data as { duration: number }).duration, 0);
  });

  test('a stream a previous run already published (crash before the job row said so): nothing to append', () => {
    assert.deepEqual(given([published]).when(command), { outcome: 'already-published' });
  });

  test('a re-run with other facts (a new publishedAt, a re-made torrent) still appends nothing: one video, one VideoPublished', () => {
    assert.deepEqual(given([published]).when({ ...command, publishedAt: '2026-12-07T13:00:00.000Z' }), { outcome: 'already-published' });
  });

  test('a video published then deleted is not brought back', () => {
    assert.deepEqual(given([published, deleted]).when(command), { outcome: 'deleted' });
  });
});

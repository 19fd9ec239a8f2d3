import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestSealer } from '@swarmtube/testing';
import { caughtUp, DIALECTS, openVideoStore, startCatalogRunner, VideoLog, type VideoSpec, type VideoStore } from '../projections/videos-test-log.js';
import type { ProjectionRunner } from '../../projections/projection-runner.js';
import { getVideo, listVideos, parseListVideosQuery, type ListVideosQuery } from './video-catalog.js';
import type { VideoDto } from '@swarmtube/contracts';

const LOCAL = 'http://local.test:9001/federation/actor';
const PEER_A = 'http://a.test:9002/federation/actor';
const PEER_B = 'http://b.test/federation/actor';

/** The catalog most tests read: a few videos worth searching for, and filler enough to page through. */
const CATALOG: Array<VideoSpec & { origin: string; uuid: string }> = [
  { origin: LOCAL, uuid: '00000000-0000-4000-8000-000000000001', name: 'Big Buck Bunny', description: 'A giant rabbit meets three bullies.', tags: ['animation', 'blender'], duration: 596, publishedAt: '2026-01-01T10:00:00Z' },
  { origin: PEER_A, uuid: '00000000-0000-4000-8000-000000000002', name: 'Café au lait', description: 'Morning routine in Lyon.', tags: ['coffee', 'breakfast'], duration: 120, publishedAt: '2026-01-02T10:00:00.000+01:00' },
  { origin: PEER_B, uuid: '00000000-0000-4000-8000-000000000003', name: 'Mountain timelapse', description: 'Sunrise over the ridge; a bunny hops by at the end.', tags: ['nature', 'sunrise'], duration: 184, publishedAt: '2026-01-03T10:00:00Z' },
  { origin: PEER_A, uuid: '00000000-0000-4000-8000-000000000004', name: 'Cooking pasta', description: 'Cafe-style carbonara in ten minutes.', tags: ['food', 'cafe'], duration: 300, publishedAt: '2026-01-04T10:00:00Z' },
  { origin: LOCAL, uuid: '00000000-0000-4000-8000-000000000005', name: 'zebra stripes', description: 'Up close at the zoo.', tags: ['animals', 'zoo'], duration: 45, publishedAt: '2026-01-05T10:00:00Z' },
  { origin: PEER_B, uuid: '00000000-0000-4000-8000-000000000006', name: 'Éclair recipe', description: 'Choux pastry, step by step.', tags: ['food', 'pastry'], duration: 600, publishedAt: '2026-01-06T10:00:00Z' },
  // Filler: published at the same instant, with the same duration, so only the uuid orders them.
  ...Array.from({ length: 24 }, (_, i) => ({
    origin: [LOCAL, PEER_A, PEER_B][i % 3],
    uuid: `00000000-0000-4000-8000-0000000001${String(23 - i).padStart(2, '0')}`,
    name: `Filler clip ${String(i).padStart(2, '0')}`,
    description: 'Nothing to see.',
    tags: ['filler'],
    duration: 60,
    publishedAt: '2026-01-07T10:00:00Z',
  })),
];
const uuidOf = (name: string) => CATALOG.find((v) => v.name === name)!.uuid;
const BUNNY = uuidOf('Big Buck Bunny');
const CAFE = uuidOf('Café au lait');
const MOUNTAIN = uuidOf('Mountain timelapse');
const PASTA = uuidOf('Cooking pasta');
const ZEBRA = uuidOf('zebra stripes');
const ECLAIR = uuidOf('Éclair recipe');

function query(raw: Record<string, string>): ListVideosQuery {
  const parsed = parseListVideosQuery(raw);
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return parsed.query;
}

/** Orders the fixture as a user expects each sort to, independently of the SQL. */
function expected(sort: string, filter: (v: (typeof CATALOG)[number]) => boolean = () => true): string[] {
  const key = (v: (typeof CATALOG)[number]): string | number => {
    if (sort.endsWith('publishedAt')) return new Date(v.publishedAt!).toISOString();
    if (sort.endsWith('name')) return v.name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    return v.duration!;
  };
  const direction = sort.startsWith('-') ? -1 : 1;
  return CATALOG.filter(filter)
    .sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      return (x < y ? -1 : x > y ? 1 : 0) * direction || (a.uuid < b.uuid ? -1 : 1);
    })
    .map((v) => v.uuid);
}

for (const dialect of DIALECTS) {
  describe(`video catalog on ${dialect}`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    after(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });

    /** A store with its videos projection running, and a writer of its log. */
    async function freshPod(): Promise<{ db: VideoStore; runner: ProjectionRunner; log: VideoLog; sync(): Promise<void> }> {
      const sealer = createTestSealer(LOCAL);
      const db = await openVideoStore(dialect, sealer);
      const runner = await startCatalogRunner(db.store);
      cleanups.push(async () => {
        await runner.stop();
        await db.destroy();
      });
      return { db, runner, log: new VideoLog(db.store, sealer), sync: () => caughtUp(runner, db.store) };
    }

    describe('reading a catalog', () => {
      let pod: Awaited<ReturnType<typeof freshPod>>;
      const list = async (raw: Record<string, string>) => listVideos(pod.db.store.readModels, query(raw), LOCAL);
      const uuids = async (raw: Record<string, string>) => (await list({ count: '100', ...raw })).data.map((v) => v.uuid);

      before(async () => {
        pod = await freshPod();
        for (const { origin, ...video } of CATALOG) await pod.log.publish(origin, video);
        await pod.sync();
      });

      test('a video shows as the API describes it', async () => {
        const video = await getVideo(pod.db.store.readModels, CAFE, LOCAL);
        assert.ok(video);
        const { infoHash, magnetUri, trackerUrls, ...rest } = video;
        assert.ok(trackerUrls.every((url) => magnetUri.includes(`tr=${encodeURIComponent(url)}`)), 'the trackers are the magnet\'s');
        assert.match(infoHash, /^[0-9a-f]{40}$/);
        assert.ok(magnetUri.startsWith(`magnet:?xt=urn:btih:${infoHash}`));
        assert.deepEqual(rest, {
          uuid: CAFE,
          name: 'Café au lait',
          description: 'Morning routine in Lyon.',
          tags: ['coffee', 'breakfast'],
          duration: 120,
          state: 'published',
          originHost: 'a.test:9002',
          isLocal: false,
          torrentUrl: `http://a.test:9002/static/torrents/${CAFE}.torrent`,
          webSeedUrls: [`http://a.test:9002/static/web-videos/${CAFE}.mp4`],
          thumbnailUrl: `http://a.test:9002/static/thumbnails/${CAFE}.jpg`,
          // Written with an offset by its origin: shown in UTC, so that times sort as they read.
          publishedAt: '2026-01-02T09:00:00.000Z',
          updatedAt: '2026-01-02T09:00:00.000Z',
          size: 1_048_576,
          mimeType: 'video/mp4',
          account: { username: 'camille' },
          available: true,
          mirrors: [],
          originReachable: true,
          servedByMirrors: false,
          torrentUrls: [`http://a.test:9002/static/torrents/${CAFE}.torrent`],
          thumbnailUrls: [`http://a.test:9002/static/thumbnails/${CAFE}.jpg`],
        } satisfies Omit<VideoDto, 'infoHash' | 'magnetUri' | 'trackerUrls'>);
        assert.equal((await getVideo(pod.db.store.readModels, BUNNY, LOCAL))?.isLocal, true);
        assert.equal(await getVideo(pod.db.store.readModels, '00000000-0000-4000-8000-00000000dead', LOCAL), null);
        assert.equal(await getVideo(pod.db.store.readModels, "' OR 1=1 --", LOCAL), null);
      });

      test('the default listing is the newest first, the same list as in the API shape', async () => {
        const page = await list({});
        assert.equal(page.total, CATALOG.length);
        assert.equal(page.data.length, 15);
        assert.deepEqual(page.data.map((v) => v.uuid), expected('-publishedAt').slice(0, 15));
        assert.deepEqual(page.data[0], await getVideo(pod.db.store.readModels, page.data[0].uuid, LOCAL));
      });

      for (const sort of ['-publishedAt', 'publishedAt', 'name', '-name', 'duration', '-duration']) {
        test(`sort=${sort} orders every video, ties by uuid`, async () => {
          assert.deepEqual(await uuids({ sort }), expected(sort));
        });
      }

      test('sorting by name ignores case and accents: Éclair between Cooking and Filler, zebra last', async () => {
        const names = (await list({ sort: 'name', count: '100' })).data.map((v) => v.name).filter((n) => !n.startsWith('Filler'));
        assert.deepEqual(names, ['Big Buck Bunny', 'Café au lait', 'Cooking pasta', 'Éclair recipe', 'Mountain timelapse', 'zebra stripes']);
      });

      test('pages of any size add up to the whole list: no video twice, none missing, the same total', async () => {
        for (const sort of ['-publishedAt', 'name', 'duration']) {
          for (const count of [1, 7, 15]) {
            const seen: string[] = [];
            for (let start = 0; ; start += count) {
              const page = await list({ sort, start: String(start), count: String(count) });
              assert.equal(page.total, CATALOG.length);
              if (page.data.length === 0) break;
              assert.ok(page.data.length <= count);
              seen.push(...page.data.map((v) => v.uuid));
            }
            assert.deepEqual(seen, expected(sort), `sort=${sort} count=${count}`);
          }
        }
        const searched = await list({ search: 'filler', sort: '-match', start: '20', count: '10' });
        assert.equal(searched.total, 24);
        assert.equal(searched.data.length, 4);
      });

      test('a page past the end is empty, with the total', async () => {
        assert.deepEqual(await list({ start: '1000' }), { total: CATALOG.length, data: [] });
      });

      test('origin=local, remote or a host keeps only those pods\' videos', async () => {
        assert.deepEqual(await uuids({ origin: 'local' }), expected('-publishedAt', (v) => v.origin === LOCAL));
        assert.deepEqual(await uuids({ origin: 'remote' }), expected('-publishedAt', (v) => v.origin !== LOCAL));
        assert.deepEqual(await uuids({ origin: 'a.test:9002' }), expected('-publishedAt', (v) => v.origin === PEER_A));
        assert.deepEqual(await uuids({ origin: 'B.TEST' }), expected('-publishedAt', (v) => v.origin === PEER_B));
        assert.deepEqual(await list({ origin: 'a.test' }), { total: 0, data: [] });
        const local = await list({ origin: 'local', count: '100' });
        assert.ok(local.data.every((v) => v.isLocal && v.originHost === 'local.test:9001'));
        assert.equal(local.total, CATALOG.filter((v) => v.origin === LOCAL).length);
      });

      test('a word finds what it begins: typing "bunn" finds the Bunny', async () => {
        assert.deepEqual(new Set(await uuids({ search: 'bunn' })), new Set([BUNNY, MOUNTAIN]));
        assert.deepEqual(await uuids({ search: 'BUN' }), await uuids({ search: 'bunn' }));
        assert.deepEqual(await uuids({ search: 'unny' }), []);
      });

      test('every word must match', async () => {
        assert.deepEqual(await uuids({ search: 'big bunny' }), [BUNNY]);
        assert.deepEqual(await uuids({ search: 'bunny sunrise' }), [MOUNTAIN]);
        assert.deepEqual(await uuids({ search: 'bunny zebra' }), []);
      });

      test('accents and case do not matter, in the video or in the search', async () => {
        const cafe = new Set([CAFE, PASTA]);
        for (const search of ['cafe', 'café', 'CAFÉ', 'Cafè']) assert.deepEqual(new Set(await uuids({ search })), cafe, search);
        assert.deepEqual(await uuids({ search: 'eclair' }), [ECLAIR]);
        assert.deepEqual(await uuids({ search: 'ÉCLAIR' }), [ECLAIR]);
      });

      test('tags are searched', async () => {
        assert.deepEqual(await uuids({ search: 'blender' }), [BUNNY]);
        assert.deepEqual(new Set(await uuids({ search: 'food' })), new Set([PASTA, ECLAIR]));
      });

      test('by relevance, a match in the name comes before one in the tags, before one in the description', async () => {
        for (const sort of ['-match', 'relevance']) {
          assert.deepEqual(await uuids({ search: 'bunny', sort }), [BUNNY, MOUNTAIN]);
          // Café au lait has it in its name; Cooking pasta in a tag and its description.
          assert.deepEqual(await uuids({ search: 'cafe', sort }), [CAFE, PASTA]);
          // Zebra stripes has "zoo" as a tag and in its description: still a match, still ranked.
          assert.deepEqual(await uuids({ search: 'zoo', sort }), [ZEBRA]);
        }
        // Without a search, relevance means nothing: the newest first.
        assert.deepEqual(await uuids({ sort: '-match' }), expected('-publishedAt'));
      });

      test('a search can be sorted and filtered like the whole list', async () => {
        assert.deepEqual(await uuids({ search: 'food', sort: 'duration' }), [PASTA, ECLAIR]);
        assert.deepEqual(await uuids({ search: 'food', sort: '-duration' }), [ECLAIR, PASTA]);
        assert.deepEqual(await uuids({ search: 'food', origin: 'b.test' }), [ECLAIR]);
        assert.deepEqual(await uuids({ search: 'cafe', origin: 'local' }), []);
        const page = await list({ search: 'filler', sort: 'name', origin: 'remote', count: '5' });
        assert.equal(page.total, 16);
        assert.deepEqual(page.data.map((v) => v.name), ['Filler clip 01', 'Filler clip 02', 'Filler clip 04', 'Filler clip 05', 'Filler clip 07']);
      });

      test('blank searches filter nothing', async () => {
        for (const search of ['', '   ', '\t\n', '"', '*', ':', '-', "'", '\\', '"*:-\'\\()', '🎬🍿']) {
          const page = await list({ search });
          assert.equal(page.total, CATALOG.length, JSON.stringify(search));
        }
      });

      test('hostile searches never fail and mean what their words mean', async () => {
        const cases: Array<[search: string, matches: string[]]> = [
          ['"bunny"', [BUNNY, MOUNTAIN]],
          ['"bunny', [BUNNY, MOUNTAIN]],
          ['bunny*', [BUNNY, MOUNTAIN]],
          ['-bunny', [BUNNY, MOUNTAIN]],
          ['bunny:*', [BUNNY, MOUNTAIN]],
          ["bunny'", [BUNNY, MOUNTAIN]],
          ['bunny\\', [BUNNY, MOUNTAIN]],
          ['(bunny)', [BUNNY, MOUNTAIN]],
          ['big AND bunny', []],
          ['bunny OR zebra', []],
          ['NOT bunny', []],
          ['NEAR(big bunny)', []],
          ['NEAR(', []],
          ['name:bunny', []],
          ['{name}: bunny', []],
          ['^big', [BUNNY]],
          ["'; DROP TABLE rm_videos; --", []],
          ["big') OR ('1'='1", []],
          ['big\u0000bunny', [BUNNY]],
          ['\ud800big', [BUNNY]],
          ['big\u202ebunny', [BUNNY]],
          ['%_', CATALOG.map((v) => v.uuid)],
          [`${'bunny '.repeat(1800)}`, [BUNNY, MOUNTAIN]],
          [`big ${'"*:-\'\\ '.repeat(1500)} buck`, [BUNNY]],
        ];
        for (const [search, matches] of cases) {
          for (const sort of ['-match', 'name']) {
            const page = await list({ search, sort, count: '100' });
            assert.deepEqual(new Set(page.data.map((v) => v.uuid)), new Set(matches), `${JSON.stringify(search.slice(0, 40))} sort=${sort}`);
            assert.equal(page.total, matches.length);
          }
        }
        // 10 KB of words nobody wrote, in every script: no error, no match.
        const noise = Array.from({ length: 10_240 }, (_, i) => String.fromCodePoint(0x21 + ((i * 7919) % 0x2fff))).join('');
        assert.equal(noise.length >= 10_240, true);
        assert.deepEqual(await list({ search: noise }), { total: 0, data: [] });
        // And the read model is still there.
        assert.equal((await list({})).total, CATALOG.length);
      });
    });

    describe('a catalog that changes', () => {
      test('an update changes what a search finds', async () => {
        const pod = await freshPod();
        const uuid = await pod.log.publish(PEER_A, { name: 'Old title', description: 'Shot in winter.', tags: ['snow'] });
        await pod.sync();
        const search = async (words: string) => (await listVideos(pod.db.store.readModels, query({ search: words }), LOCAL)).data.map((v) => v.uuid);
        assert.deepEqual(await search('old'), [uuid]);

        await pod.log.update(PEER_A, uuid, { name: 'New title' });
        await pod.sync();
        assert.deepEqual(await search('old'), []);
        assert.deepEqual(await search('new title'), [uuid]);
        assert.deepEqual(await search('winter snow'), [uuid], 'fields not in the update are still searched');

        await pod.log.update(PEER_A, uuid, { description: 'Shot in summer.', tags: ['beach', 'sun'] });
        await pod.sync();
        assert.deepEqual(await search('winter'), []);
        assert.deepEqual(await search('snow'), []);
        assert.deepEqual(await search('summer beach'), [uuid]);
        const video = await getVideo(pod.db.store.readModels, uuid, LOCAL);
        assert.equal(video?.name, 'New title');
        assert.deepEqual(video?.tags, ['beach', 'sun']);
        assert.notEqual(video?.updatedAt, video?.publishedAt);
      });

      test('a deleted video is gone from the list, the search and the count', async () => {
        const pod = await freshPod();
        const kept = await pod.log.publish(LOCAL, { name: 'Kept bunny' });
        const gone = await pod.log.publish(LOCAL, { name: 'Gone bunny' });
        await pod.sync();
        await pod.log.remove(LOCAL, gone);
        await pod.sync();
        const result = await listVideos(pod.db.store.readModels, query({ search: 'bunny' }), LOCAL);
        assert.deepEqual(result.data.map((v) => v.uuid), [kept]);
        assert.equal(result.total, 1);
        assert.equal((await listVideos(pod.db.store.readModels, query({}), LOCAL)).total, 1);
        assert.equal(await getVideo(pod.db.store.readModels, gone, LOCAL), null);
        // Published again under the same uuid (a reupload by its origin): found again, once.
        await pod.log.publish(LOCAL, { uuid: gone, name: 'Back bunny' });
        await pod.sync();
        assert.deepEqual(new Set((await listVideos(pod.db.store.readModels, query({ search: 'bunny' }), LOCAL)).data.map((v) => v.uuid)), new Set([kept, gone]));
      });

      test('another pod can neither rename, retag, delete nor republish a video it does not own', async () => {
        const pod = await freshPod();
        const uuid = await pod.log.publish(LOCAL, { name: 'Genuine video', tags: ['real'] });
        await pod.log.update(PEER_B, uuid, { name: 'Hijacked video', tags: ['fake'] });
        await pod.log.remove(PEER_B, uuid);
        await pod.log.publish(PEER_B, { uuid, name: 'Impostor video' });
        await pod.sync();
        const search = async (words: string) => (await listVideos(pod.db.store.readModels, query({ search: words }), LOCAL)).data.map((v) => v.uuid);
        assert.deepEqual(await search('genuine real'), [uuid]);
        assert.deepEqual(await search('hijacked'), []);
        assert.deepEqual(await search('fake'), []);
        assert.deepEqual(await search('impostor'), []);
        const video = await getVideo(pod.db.store.readModels, uuid, LOCAL);
        assert.equal(video?.name, 'Genuine video');
        assert.equal(video?.isLocal, true);
      });
    });
  });
}

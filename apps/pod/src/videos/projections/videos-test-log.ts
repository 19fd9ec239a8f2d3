import { generateKeyPairSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { EventDraft, EventEnvelope } from '@swarmtube/event-envelope';
import { encodeMultikey } from '@swarmtube/event-envelope';
import { openEventStore, type OpenedEventStore } from '@swarmtube/event-store';
import { videoDeletedDraft, videoPublishedDraft, videoUpdatedDraft } from '@swarmtube/testing';
import { TEST_POSTGRES_URL, dropSchema, tempDir, uniqueSchema } from '@swarmtube/testing';
import { createTestSealer, sealChain, type TestSealer } from '@swarmtube/testing';
import { ProjectionRunner } from '../../projections/projection-runner.js';
import type { Projection } from '../../projections/projection.js';
import type { ReadModelDialect } from './video-search-index.js';
import { videosProjectionFor } from './videos.projection.js';
import { migrate } from '../../migrations/migrate.js';
import { mirrorsProjectionFor } from '../../mirrors/projections/mirrors.projection.js';
import { podsProjection } from '../../pods/projections/pods.projection.js';

/** Test support for the videos read model: real stores on both dialects, and logs as pods write them. */

export const DIALECTS: readonly ReadModelDialect[] = ['sqlite', 'postgres'];

export interface VideoStore {
  store: OpenedEventStore;
  dialect: ReadModelDialect;
  /** Signs the pod's own events: a VideoLog of this store must write with it. */
  sealer: TestSealer;
  /** The SQLite data folder, or the PostgreSQL schema: what an audit opens. */
  location: { dataDir: string } | { schema: string };
  /** Closes the store and deletes its data. */
  destroy(): Promise<void>;
}

/** A store on a fresh temp folder (SQLite) or a fresh schema (PostgreSQL), as a pod opens it. */
/** `bare`: no table at all (a spec of the migrations themselves); otherwise the tables the video queries join. */
export async function openVideoStore(dialect: ReadModelDialect, sealer: TestSealer, options: { bare?: boolean } = {}): Promise<VideoStore> {
  if (dialect === 'sqlite') {
    const dir = tempDir('swarmtube-videos-');
    const store = await openEventStore({ database: 'sqlite', dataDir: dir.path, sealer });
    if (!options.bare) await prepareVideoReads(store);
    return { store, dialect, sealer, location: { dataDir: dir.path }, destroy: async () => (await store.close(), dir.remove()) };
  }
  const schema = uniqueSchema('videos');
  const store = await openEventStore({ database: TEST_POSTGRES_URL, dataDir: '', schema, sealer });
  if (!options.bare) await prepareVideoReads(store);
  return { store, dialect, sealer, location: { schema }, destroy: async () => (await store.close(), await dropSchema(schema)) };
}

/**
 * What the API's video queries join besides rm_videos, as a pod has them: the local tables (the
 * origins' health) and the pods' and mirrors' tables, empty until their projections run.
 */
async function prepareVideoReads(store: OpenedEventStore): Promise<void> {
  await migrate(store.readModels);
  await store.readModels.execute([...podsProjection.createTables(), ...mirrorsProjectionFor(store.readModels.dialect).createTables()]);
}

/** The pod's runner with only the videos projection of the store's dialect (or another), started. */
export async function startVideosRunner(store: OpenedEventStore, projection: Projection = videosProjectionFor(store.readModels.dialect)): Promise<ProjectionRunner> {
  const runner = new ProjectionRunner(store, store.readModels, [projection]);
  await runner.start();
  return runner;
}

/**
 * The runner the API's video queries need: the videos projection with the ones its views join
 * (pods, mirrors).
 */
export async function startCatalogRunner(store: OpenedEventStore): Promise<ProjectionRunner> {
  const runner = new ProjectionRunner(store, store.readModels, [videosProjectionFor(store.readModels.dialect), podsProjection, mirrorsProjectionFor(store.readModels.dialect)]);
  await runner.start();
  return runner;
}

/** Waits for the read model to hold the whole log; fails if the projection parked any event of it. */
export async function caughtUp(runner: ProjectionRunner, store: OpenedEventStore): Promise<void> {
  await runner.waitFor(await store.headPosition());
  const parked = runner.status().reduce((sum, s) => sum + s.parked, 0);
  if (parked > 0) throw new Error(`the videos projection parked ${parked} event(s)`);
}

export interface VideoSpec {
  name: string;
  description?: string;
  tags?: string[];
  duration?: number;
  publishedAt?: string;
  uuid?: string;
}

let rsaPem: string | undefined;
/** One RSA key for every test pod: generating one takes a while, and nothing here checks HTTP signatures. */
function rsaPublicKeyPem(): string {
  rsaPem ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return rsaPem;
}

const hostOf = (actor: string) => new URL(actor).host;

/**
 * Writes a log as a pod holds it: the pod's own events appended through the store (signed by
 * its sealer), other pods' events signed by their own keys and appended as received from a
 * peer. Every origin starts with its PodJoined, so the log passes an audit.
 */
export class VideoLog {
  private readonly heads = new Map<string, EventEnvelope | null>();
  private readonly sealers = new Map<string, TestSealer>();

  constructor(
    private readonly store: OpenedEventStore,
    private readonly local: TestSealer,
  ) {}

  async publish(origin: string, video: VideoSpec): Promise<string> {
    const { stream, draft } = videoPublishedDraft({ host: hostOf(origin), uuid: video.uuid, name: video.name, tags: video.tags });
    const data = draft.data as Record<string, unknown>;
    if (video.description !== undefined) data.description = video.description;
    if (video.duration !== undefined) data.duration = video.duration;
    if (video.publishedAt !== undefined) data.publishedAt = video.publishedAt;
    await this.append(origin, stream, draft);
    return data.uuid as string;
  }

  async update(origin: string, uuid: string, changes: { name?: string; description?: string; tags?: string[] }): Promise<void> {
    await this.append(origin, `video:${uuid}`, videoUpdatedDraft(uuid, changes));
  }

  async remove(origin: string, uuid: string): Promise<void> {
    await this.append(origin, `video:${uuid}`, videoDeletedDraft(uuid));
  }

  /** Any event of the catalogue, by `origin` (a foreign one is appended as received from a peer). */
  record(origin: string, stream: string, draft: EventDraft): Promise<void> {
    return this.append(origin, stream, draft);
  }

  private async append(origin: string, stream: string, draft: EventDraft): Promise<void> {
    if (!this.heads.has(origin)) {
      this.heads.set(origin, null);
      await this.append(origin, `pod:${hostOf(origin)}`, {
        type: 'PodJoined',
        schemaVersion: 1,
        data: { host: hostOf(origin), actor: origin, name: `Pod ${hostOf(origin)}`, keys: { ed25519Multibase: encodeMultikey(this.sealer(origin).publicKey), rsaPublicKeyPem: rsaPublicKeyPem() } },
      });
    }
    if (origin === this.local.origin) {
      await this.store.append(stream, [draft], { expectedVersion: 'any' });
      return;
    }
    const [event] = sealChain(this.sealer(origin), [{ id: `urn:uuid:${uuidv7()}`, stream, type: draft.type, data: draft.data }], this.heads.get(origin) ?? undefined);
    const [outcome] = await this.store.appendForeign([event]);
    if (outcome.status !== 'appended') throw new Error(`the store refused ${draft.type} of ${origin}: ${JSON.stringify(outcome)}`);
    this.heads.set(origin, event);
  }

  private sealer(origin: string): TestSealer {
    if (origin === this.local.origin) return this.local;
    let sealer = this.sealers.get(origin);
    if (!sealer) this.sealers.set(origin, (sealer = createTestSealer(origin)));
    return sealer;
  }
}

/** Appends another store's whole log, in order, as received from peers: the same log, on another database. */
export async function copyLog(from: OpenedEventStore, to: OpenedEventStore): Promise<void> {
  for (let after = 0; ; ) {
    const events = await from.readAll({ after, limit: 500 });
    if (events.length === 0) return;
    const outcomes = await to.appendForeign(events.map((e) => e.event));
    const refused = outcomes.find((o) => o.status !== 'appended');
    if (refused) throw new Error(`copying the log: ${JSON.stringify(refused)}`);
    after = events[events.length - 1].position;
  }
}

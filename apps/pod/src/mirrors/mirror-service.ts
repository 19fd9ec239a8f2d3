import { extname } from 'node:path';
import { mirrorStream, type PodUrls, type VideoUnmirrorReasonV1 } from '@swarmtube/contracts';
import type { OpenedEventStore, ReadModelDatabase, Subscription } from '@swarmtube/event-store';
import { DEFAULT_MAX_TORRENT_BYTES } from '@swarmtube/torrent';
import type { PodConfig } from '../config/pod-config.js';
import type { FederationClient } from '../federation/federation-client.js';
import type { EventLog } from '../event-log/event-log.js';
import { ProblemError } from '../http/problem.js';
import type { PodLogger } from '../logger/pod-logger.js';
import type { ProjectionRunner } from '../projections/projection-runner.js';
import { writeBytesAtomically } from '../videos/media/atomic-output.js';
import type { LocalVideos } from '../videos/local-videos.js';
import { getVideo } from '../videos/queries/video-catalog.js';
import { stringList } from '../videos/queries/video-row.js';
import type { VideoStorage } from '../videos/video-storage.js';
import {
  decideMirror,
  decideMirrors,
  decideUnmirror,
  type HeldMirror,
  type MirrorCandidate,
  type MirrorChoice,
  type MirrorFacts,
} from './domain/mirror-policy.js';
import type { MirrorFetcher } from './mirror-fetcher.js';
import type { MirrorThumbnails } from './mirror-thumbnails.js';
import { torrentSources, torrentWithSources } from './mirror-torrent.js';

interface VideoRow {
  uuid: string;
  origin: string;
  size: number | string;
  published_at: string;
  available: number | string;
  info_hash: string;
  torrent_url: string;
  status: string | null;
  views: number | string | null;
}

interface Candidate extends MirrorCandidate {
  infoHash: string;
  torrentUrl: string;
}

/** The events after which the policy is applied at once. */
const WEIGHED = new Set(['VideoPublished', 'VideoDeleted', 'PodExpelled', 'PodReadmitted', 'FriendshipAccepted', 'FriendshipEnded']);

/** Fetches at once; more wait for the next round. */
const MAX_CONCURRENT_FETCHES = 2;
const TORRENT_FETCH_TIMEOUT_MS = 10_000;

/**
 * Carries out the mirror decisions (domain/mirror-policy.ts): applies the policy every
 * `mirrors.intervalSeconds` and after an admin's choice, fetches the copies it wants
 * (MirrorFetcher), stores each whole copy and its .torrent (with this pod's trackers and web
 * seed added) where the pod's own videos are, then appends `VideoMirrored`: from that event on,
 * LocalVideos tracks, seeds and serves it as it does the pod's own. The video's thumbnail is
 * kept too (MirrorThumbnails): fetched before the event, else at the next rounds, since a
 * missing thumbnail never holds back the copy. A copy dropped is a `VideoUnmirrored`
 * (LocalVideos removes the files, thumbnail included). What is not in the log (the admin's choices,
 * the fetches under way and their progress) is in local_mirrors and local_mirror_refusals.
 */
export class MirrorService {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private readonly fetches = new Map<string, Promise<void>>();
  private readonly thumbnailFetches = new Map<string, Promise<void>>();
  /** The last thumbnail failure logged per video: a source that stays down is not logged at every round. */
  private readonly thumbnailProblems = new Map<string, string>();
  private stopped = false;
  private queued: Promise<void> | null = null;
  private subscription: Subscription | null = null;

  constructor(
    private readonly me: string,
    private readonly config: Pick<PodConfig, 'mirrors'>,
    private readonly store: OpenedEventStore,
    private readonly eventLog: EventLog,
    private readonly projections: ProjectionRunner,
    private readonly storage: VideoStorage,
    private readonly urls: PodUrls,
    private readonly fetcher: MirrorFetcher,
    private readonly logger: PodLogger,
    private readonly local: Pick<LocalVideos, 'caughtUp'>,
    private readonly thumbnails: MirrorThumbnails,
    /** The pod's one outgoing client: the address policy, verified TLS and a size bound for the .torrent too. */
    private readonly client: Pick<FederationClient, 'getBytes'>,
  ) {}

  private get db(): ReadModelDatabase {
    return this.store.readModels;
  }

  /** Once the pod listens (the seeder and tracker take the copies): a round now, then at every interval. */
  start(): void {
    if (this.stopped) return;
    void this.exclusive(async () => {
      const wanted = new Set((await this.db.query<{ uuid: string }>('SELECT uuid FROM local_mirrors')).map((row) => row.uuid));
      const removed = await this.fetcher.sweep(wanted);
      if (removed.length > 0) this.logger.log(`[mirrors] removed ${removed.length} partial copies no longer wanted`);
    }).catch((error: unknown) => this.logger.warn(`[mirrors] partial copies not swept: ${String(error)}`));
    this.reconcileSoon();
    this.timer = setInterval(() => this.reconcileSoon(), Math.max(50, Math.round(this.config.mirrors.intervalSeconds * 1000)));
    this.timer.unref();
    // A published, deleted or expelled video is weighed at once rather than at the next interval.
    void this.store
      .headPosition()
      .then((head) => {
        if (this.stopped) return;
        this.subscription = this.store.subscribe(head, (batch) => {
          if (batch.some(({ event }) => WEIGHED.has(event.type))) void this.reconcileSoon();
        });
      })
      .catch((error: unknown) => this.logger.warn(`[mirrors] the log is not followed (rounds at every interval only): ${String(error)}`));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.subscription?.close();
    await this.round.catch(() => undefined);
    await this.fetcher.close();
    await Promise.allSettled([...this.fetches.values(), ...this.thumbnailFetches.values()]);
  }

  /** One round of the policy after the ones queued (one queued round is enough); rounds never overlap. */
  reconcileSoon(): Promise<void> {
    this.queued ??= this.exclusive(() => {
      this.queued = null;
      return this.stopped ? Promise.resolve() : this.reconcile();
    }).catch((error: unknown) => this.logger.error(`[mirrors] ${String(error)}`));
    return this.queued;
  }

  /**
   * Runs after the rounds and choices queued before it, and before those queued after: an
   * admin's choice is never decided against a round's half-applied plan, nor the reverse.
   */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.round.then(work);
    this.round = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** `POST /api/v1/videos/{uuid}/mirror`. */
  async mirror(uuid: string): Promise<{ uuid: string; state: HeldMirror['state'] }> {
    const answer = await this.exclusive(async () => {
      await this.current();
      const held = await this.heldMirror(uuid);
      const decision = decideMirror(await this.candidate(uuid), held, this.me);
      if (!decision.ok) throw new ProblemError(decision.code, decision.message);
      // Fetched from now on, or (mirrored by policy) kept whatever the budget.
      await this.db.execute([{ sql: 'DELETE FROM local_mirror_refusals WHERE uuid = $1', params: [uuid] }]);
      await this.ensureRow(uuid, 'admin');
      return { uuid, state: held?.state ?? 'fetching' };
    });
    void this.reconcileSoon();
    return answer;
  }

  /** `DELETE /api/v1/videos/{uuid}/mirror`: the copy goes, and the policy leaves the video alone until an admin mirrors it again. */
  async unmirror(uuid: string): Promise<void> {
    await this.exclusive(async () => {
      await this.current();
      const held = await this.heldMirror(uuid);
      const decision = decideUnmirror(await this.candidate(uuid), held);
      if (!decision.ok) throw new ProblemError(decision.code, decision.message);
      await this.db.execute([
        { sql: 'INSERT INTO local_mirror_refusals (uuid, refused_at) VALUES ($1, $2) ON CONFLICT (uuid) DO NOTHING', params: [uuid, new Date().toISOString()] },
      ]);
      await this.drop(uuid, held!.state, 'admin');
    });
    await this.current();
  }

  /** Every video of the network the policy may weigh, with what a fetch needs. */
  private async candidates(where = '', params: unknown[] = []): Promise<Candidate[]> {
    const rows = await this.db.query<VideoRow>(
      `SELECT v.uuid, v.origin, v.size, v.published_at, v.available, v.info_hash, v.torrent_url, p.status, w.views
         FROM rm_videos v LEFT JOIN rm_pods p ON p.actor = v.origin LEFT JOIN local_video_views w ON w.uuid = v.uuid ${where}`,
      params,
    );
    return rows.map((row) => ({
      uuid: row.uuid,
      origin: row.origin,
      size: Number(row.size),
      publishedAt: row.published_at,
      views: Number(row.views ?? 0),
      available: Number(row.available) !== 0,
      originStatus: row.status,
      infoHash: row.info_hash,
      torrentUrl: row.torrent_url,
    }));
  }

  private async candidate(uuid: string): Promise<Candidate | null> {
    return (await this.candidates('WHERE v.uuid = $1', [uuid]))[0] ?? null;
  }

  /** The copies held: mirrored (in the log) or being fetched (local_mirrors). */
  private async held(): Promise<HeldMirror[]> {
    const rows = await this.db.query<{ uuid: string; choice: string }>('SELECT uuid, choice FROM local_mirrors');
    const mirrored = new Set((await this.db.query<{ uuid: string }>('SELECT uuid FROM rm_video_mirrors WHERE mirror = $1', [this.me])).map((r) => r.uuid));
    const held: HeldMirror[] = rows.map((row) => ({ uuid: row.uuid, choice: row.choice === 'admin' ? 'admin' : 'policy', state: mirrored.has(row.uuid) ? 'mirrored' : 'fetching' }));
    const known = new Set(rows.map((row) => row.uuid));
    // A copy in the log without a local row (a crash between the two, a restored log): the policy's.
    for (const uuid of mirrored) if (!known.has(uuid)) held.push({ uuid, choice: 'policy', state: 'mirrored' });
    return held;
  }

  private async heldMirror(uuid: string): Promise<HeldMirror | null> {
    return (await this.held()).find((h) => h.uuid === uuid) ?? null;
  }

  private async current(): Promise<void> {
    await this.projections.waitFor(await this.store.headPosition());
  }

  private async reconcile(): Promise<void> {
    await this.current();
    const held = await this.held();
    // Nothing to weigh: no policy, no copy held or being fetched.
    if (!this.config.mirrors.enabled && held.length === 0) return;
    const videos = await this.candidates();
    const refused = new Set((await this.db.query<{ uuid: string }>('SELECT uuid FROM local_mirror_refusals')).map((r) => r.uuid));
    const facts: MirrorFacts = { me: this.me, policy: this.config.mirrors, videos, held, refused };
    const plan = decideMirrors(facts);
    for (const drop of plan.drop) await this.drop(drop.uuid, drop.state, drop.reason);
    for (const { uuid, choice } of plan.fetch) await this.ensureRow(uuid, choice);
    const byUuid = new Map(videos.map((video) => [video.uuid, video]));
    const dropped = new Set(plan.drop.map((d) => d.uuid));
    const pending = [...held.filter((h) => h.state === 'fetching' && !dropped.has(h.uuid)).map((h) => h.uuid), ...plan.fetch.map((f) => f.uuid)];
    for (const uuid of pending) {
      const video = byUuid.get(uuid);
      if (this.fetches.has(uuid)) {
        await this.db.execute([{ sql: 'UPDATE local_mirrors SET fetched_bytes = $2 WHERE uuid = $1', params: [uuid, this.fetcher.progress(uuid)] }]);
        continue;
      }
      if (!video || this.fetches.size >= MAX_CONCURRENT_FETCHES || this.stopped) continue;
      const run = this.fetchCopy(video).finally(() => this.fetches.delete(uuid));
      this.fetches.set(uuid, run);
    }
    for (const { uuid, state } of held) if (state === 'mirrored' && !dropped.has(uuid)) this.retryThumbnail(uuid);
  }

  /**
   * The thumbnail's copies this pod may take: the origin's and the other mirrors', reachable
   * ones first (the API view's order). None for the pod's own videos: their thumbnail is theirs.
   */
  private async thumbnailSources(uuid: string): Promise<string[] | null> {
    const video = await getVideo(this.db, uuid, this.me);
    if (!video || video.isLocal) return null;
    const mine = this.urls.thumbnail(uuid);
    return video.thumbnailUrls.filter((url) => url !== mine);
  }

  /** The thumbnail's bytes, or null (logged once per distinct failure) when no source has it now. */
  private async downloadThumbnail(uuid: string): Promise<Buffer | null> {
    const sources = await this.thumbnailSources(uuid);
    if (!sources) return null;
    try {
      const { url, bytes } = await this.thumbnails.download(sources);
      this.thumbnailProblems.delete(uuid);
      this.logger.log(`[mirrors] thumbnail of video ${uuid} fetched from ${url} (${bytes.length} bytes)`);
      return bytes;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (this.thumbnailProblems.get(uuid) !== message && !this.stopped) this.logger.warn(`[mirrors] thumbnail of video ${uuid} not fetched (tried again at the next round): ${message}`);
      this.thumbnailProblems.set(uuid, message);
      return null;
    }
  }

  /**
   * A mirrored copy still without its thumbnail: fetched in the background, written in turn with
   * the rounds (a drop runs in a round), and only while the copy is still held, so a thumbnail
   * never outlives its copy.
   */
  private retryThumbnail(uuid: string): void {
    if (this.stopped || this.thumbnailFetches.has(uuid) || this.thumbnails.has(uuid)) return;
    const run = this.downloadThumbnail(uuid)
      .then(async (bytes) => {
        if (!bytes) return;
        await this.exclusive(async () => {
          await this.current();
          const held = await this.db.query('SELECT 1 FROM rm_video_mirrors WHERE uuid = $1 AND mirror = $2', [uuid, this.me]);
          if (this.stopped || held.length === 0 || !(await this.thumbnailSources(uuid))) return;
          await this.thumbnails.store(uuid, bytes);
        });
      })
      .catch((error: unknown) => this.logger.warn(`[mirrors] thumbnail of video ${uuid} not stored: ${String(error)}`))
      .finally(() => this.thumbnailFetches.delete(uuid));
    this.thumbnailFetches.set(uuid, run);
  }

  private async ensureRow(uuid: string, choice: MirrorChoice): Promise<void> {
    const video = await this.candidate(uuid);
    if (!video) return;
    const now = new Date().toISOString();
    await this.db.execute([
      {
        sql: `INSERT INTO local_mirrors (uuid, choice, info_hash, size, fetched_bytes, attempts, created_at, updated_at) VALUES ($1, $2, $3, $4, 0, 0, $5, $5)
              ON CONFLICT (uuid) DO UPDATE SET choice = excluded.choice, updated_at = excluded.updated_at`,
        params: [uuid, choice, video.infoHash, video.size, now],
      },
    ]);
  }

  /** Drops a copy: a mirrored one with VideoUnmirrored (LocalVideos then removes its files), a fetch by cancelling it. */
  private async drop(uuid: string, state: HeldMirror['state'], reason: VideoUnmirrorReasonV1): Promise<void> {
    await this.db.execute([{ sql: 'DELETE FROM local_mirrors WHERE uuid = $1', params: [uuid] }]);
    if (state === 'mirrored') {
      const appended = await this.eventLog.append(mirrorStream(uuid), [{ type: 'VideoUnmirrored', schemaVersion: 1, data: { uuid, reason } }], { expectedVersion: 'any' });
      // The files go with the event's reaction (LocalVideos): an admin's DELETE answers once they are gone.
      await this.local.caughtUp(appended.events.at(-1)?.position ?? 0);
      this.logger.log(`[mirrors] video ${uuid} is no longer mirrored here (${reason})`);
    } else {
      await this.fetcher.cancel(uuid);
      await this.fetches.get(uuid)?.catch(() => undefined);
    }
  }

  private async fetchCopy(video: Candidate): Promise<void> {
    const { uuid, infoHash } = video;
    try {
      const others = await this.db.query<{ torrent_url: string; trackers: string; web_seed_urls: string }>(
        'SELECT torrent_url, trackers, web_seed_urls FROM rm_video_mirrors WHERE uuid = $1 AND mirror <> $2 AND info_hash = $3 AND video_origin = $4',
        [uuid, this.me, infoHash, video.origin],
      );
      const torrent = await this.torrentOf([video.torrentUrl, ...others.map((o) => o.torrent_url)], infoHash);
      const sources = torrentSources(torrent)!;
      const extension = extname(sources.name).slice(1);
      if (sources.name !== this.storage.webVideoFileName(uuid, extension) || !['mp4', 'webm'].includes(extension)) {
        throw new Error(`its torrent names the file ${JSON.stringify(sources.name)}, not ${uuid}.mp4 or .webm`);
      }
      const otherTrackers = others.flatMap((o) => stringList(o.trackers));
      const otherSeeds = others.flatMap((o) => stringList(o.web_seed_urls));
      // Pod to pod: HTTP and UDP trackers only (a WebSocket tracker means WebRTC).
      const announce = [...new Set([...sources.announce, ...otherTrackers])].filter((url) => !/^wss?:/.test(url));
      const fetchTorrent = torrentWithSources(torrent, infoHash, announce, [...new Set([...sources.urlList, ...otherSeeds])]);
      if (!fetchTorrent) throw new Error('its torrent could not be rewritten');
      const destination = this.storage.webVideoPath(uuid, extension);
      this.logger.log(`[mirrors] fetching video ${uuid} (${video.size} bytes) through the swarm`);
      await this.fetcher.fetch(uuid, fetchTorrent, destination);
      const myTrackers = this.storage.announceList();
      const webSeedUrl = this.storage.urls(uuid, extension).webSeedUrl;
      const stored = torrentWithSources(torrent, infoHash, [...new Set([...myTrackers, ...sources.announce])], [...new Set([webSeedUrl, ...sources.urlList])]);
      if (!stored) throw new Error('its torrent could not be rewritten');
      await writeBytesAtomically(this.storage.torrentPath(uuid), stored);
      // Before the event, so that the pods that learn of the copy find its thumbnail too.
      const thumbnail = await this.downloadThumbnail(uuid);
      if (thumbnail) await this.thumbnails.store(uuid, thumbnail);
      await this.current();
      const still = await this.db.query('SELECT 1 FROM local_mirrors WHERE uuid = $1', [uuid]);
      if (still.length === 0 || this.stopped) {
        // Dropped while it was fetched: nothing was announced, the files go.
        await this.storage.removeVideoFiles(uuid);
        return;
      }
      await this.eventLog.append(
        mirrorStream(uuid),
        [{ type: 'VideoMirrored', schemaVersion: 1, data: { uuid, videoOrigin: video.origin, infoHash, torrentUrl: this.urls.torrent(uuid), trackers: myTrackers, webSeedUrls: [webSeedUrl] } }],
        { expectedVersion: 'any' },
      );
      await this.db.execute([{ sql: 'UPDATE local_mirrors SET fetched_bytes = size, last_error = NULL, updated_at = $2 WHERE uuid = $1', params: [uuid, new Date().toISOString()] }]);
      this.logger.log(`[mirrors] video ${uuid} is mirrored here: checked against ${infoHash}, seeded, tracked and served`);
    } catch (error) {
      if (this.stopped) return;
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn(`[mirrors] video ${uuid} could not be fetched (tried again at the next round): ${message}`);
      await this.db
        .execute([{ sql: 'UPDATE local_mirrors SET attempts = attempts + 1, last_error = $2, updated_at = $3 WHERE uuid = $1', params: [uuid, message.slice(0, 500), new Date().toISOString()] }])
        .catch(() => undefined);
    }
  }

  /** The first .torrent of the video that answers and has its info-hash: the origin's, else a mirror's. */
  private async torrentOf(urls: string[], infoHash: string): Promise<Buffer> {
    const problems: string[] = [];
    for (const url of urls) {
      try {
        const { bytes } = await this.client.getBytes(url, 'application/x-bittorrent', { timeoutMs: TORRENT_FETCH_TIMEOUT_MS, maxResponseBytes: DEFAULT_MAX_TORRENT_BYTES });
        if (!torrentWithSources(bytes, infoHash, [], [])) throw new Error(`not a torrent of ${infoHash}`);
        return bytes;
      } catch (error) {
        problems.push(`${url}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    throw new Error(`no .torrent of the video could be had (${problems.join('; ')})`);
  }
}

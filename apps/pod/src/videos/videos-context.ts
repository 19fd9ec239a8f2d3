import { PodUrls } from '../../../../libs/contracts/src/pod-urls.js';
import type { OpenedEventStore } from '../../../../libs/event-store/src/index.js';
import type { PodConfig } from '../config/pod-config.js';
import type { EventLog } from '../event-log/event-log.js';
import type { PodLogger } from '../pod-runtime.js';
import type { ProjectionRunner } from '../projections/projection-runner.js';
import { ClientAddresses } from '../http/client-address.js';
import { iceServersFor, iceServersForNodeDatachannel } from '../p2p/ice-servers.js';
import { PodTracker } from '../tracker/pod-tracker.js';
import { TrackerRegistry } from '../tracker/tracker-registry.js';
import { LocalMediaFacts } from './local-media-facts.js';
import { LocalVideos } from './local-videos.js';
import { VideoJobs } from './processing/video-jobs.js';
import { VideoProcessing } from './processing/video-processing.js';
import { VideoStorage } from './video-storage.js';

/** Everything about the pod's videos that is not a read model: files, jobs, tracker, seeder. */
export interface VideosContext {
  storage: VideoStorage;
  jobs: VideoJobs;
  processing: VideoProcessing;
  registry: TrackerRegistry;
  tracker: PodTracker;
  local: LocalVideos;
  /** Picture and thumbnail sizes of the local videos, for their Video objects. */
  media: LocalMediaFacts;
}

/**
 * Opens the videos side once the read models are current: the tracker registry comes from
 * them. Interrupted jobs are resumed, and files that belong to no video (a crash between an
 * event and the file operation that follows it) are removed.
 */
export async function openVideos(
  config: PodConfig,
  actor: string,
  store: OpenedEventStore,
  eventLog: EventLog,
  projections: ProjectionRunner,
  logger: PodLogger,
): Promise<VideosContext> {
  const storage = new VideoStorage(config.dataDir, new PodUrls(config.publicUrl), config.port);
  const jobs = new VideoJobs(store.readModels);
  await jobs.init();
  // The tracker registry loads from the read models, which may be rebuilding a long log at
  // start (~30k events/s on SQLite, so minutes for millions): wait as long as that takes.
  await projections.waitFor(await store.headPosition(), Number.POSITIVE_INFINITY);
  const registry = new TrackerRegistry(storage);
  const { missingFiles } = await registry.load(store.readModels, actor);
  for (const uuid of missingFiles) logger.error(`video ${uuid} is published by this pod but its file or torrent is missing: it is neither tracked nor seeded`);
  const local = new LocalVideos(registry, storage, { peerPort: config.peerPort, uploadLimitBytesPerSecond: config.seeding.uploadLimitBytesPerSecond, ...seederIceServers(config) }, logger);
  const processing = new VideoProcessing(jobs, storage, eventLog, store, (video) => local.published(video), logger);

  const resumedSources = await processing.resumeInterrupted();
  await storage.removePartialUploads(resumedSources);
  const processingUuids = new Set((await jobs.inState('processing')).map((job) => job.uuid));
  for (const uuid of storage.uuidsOnDisk()) {
    if (!registry.hasVideo(uuid) && !processingUuids.has(uuid) && !missingFiles.includes(uuid)) await storage.removeVideoFiles(uuid);
  }
  return { storage, jobs, processing, registry, tracker: new PodTracker(registry, new ClientAddresses(config.trustedProxies)), local, media: new LocalMediaFacts(registry, storage, logger) };
}

/**
 * The seeder's own ICE servers: the config's STUN and TURN, with credentials minted for the
 * id `seeder` like a viewer's, renewed at half their lifetime. None configured: none.
 */
function seederIceServers(config: PodConfig): { iceServers?: () => unknown[]; iceRefreshSeconds?: number } {
  if (config.ice.stunUrls.length === 0 && config.ice.turnUrls.length === 0) return {};
  const ttl = config.ice.credentialTtlSeconds;
  return {
    iceServers: () => iceServersForNodeDatachannel(iceServersFor(config.ice, 'seeder', Math.floor(Date.now() / 1000) + ttl)),
    iceRefreshSeconds: Math.max(1, Math.floor(ttl / 2)),
  };
}

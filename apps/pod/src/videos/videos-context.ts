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
import { reapLeftoverChildren, recordChildrenIn } from './media/child-processes.js';
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
 * Opens the videos side once the read models are current: the tracker registry and the
 * seeder follow the log from them (LocalVideos). Then what a crash left is dealt with, in
 * this order: ffmpeg/ffprobe of the previous run still running are killed, temporary files
 * and uploads no job owns are removed, files that belong to no video and no job (a crash
 * between an event and the file operation that follows it) are removed, and the
 * interrupted jobs go on from where their bytes are.
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
  const head = await store.headPosition();
  await projections.waitFor(head, Number.POSITIVE_INFINITY);
  const registry = new TrackerRegistry();
  const local = new LocalVideos(registry, storage, { peerPort: config.peerPort, uploadLimitBytesPerSecond: config.seeding.uploadLimitBytesPerSecond, ...seederIceServers(config) }, logger, actor);
  const { missingFiles } = await local.follow(store, store.readModels, head);
  for (const uuid of missingFiles) logger.error(`video ${uuid} is published by this pod but its file or torrent is missing: it is neither tracked nor seeded`);
  const processing = new VideoProcessing(jobs, storage, eventLog, store, local, logger);

  const reaped = reapLeftoverChildren(storage.childrenDir);
  if (reaped.length > 0) logger.warn(`killed ${reaped.length} ffmpeg/ffprobe process(es) left running by the previous run: ${reaped.join(', ')}`);
  recordChildrenIn(storage.childrenDir);
  await storage.removeTemporaries();
  await storage.removePartialUploads(await processing.ownedUploads());
  const processingUuids = new Set((await jobs.inState('processing')).map((job) => job.uuid));
  for (const uuid of storage.uuidsOnDisk()) {
    if (!registry.hasVideo(uuid) && !processingUuids.has(uuid) && !missingFiles.includes(uuid)) await storage.removeVideoFiles(uuid);
  }
  await processing.resumeInterrupted();
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

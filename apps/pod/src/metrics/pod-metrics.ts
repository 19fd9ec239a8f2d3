import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { OpenedEventStore } from '@swarmtube/event-store';
import type { TrackerSnapshot } from '@swarmtube/tracker';
import type { ProjectionRunner } from '../projections/projection-runner.js';
import type { SeederStats } from '../seeder/seeder.js';
import { SEEDER_PROTOCOLS, type ServedBytes } from '../tracker/served-bytes.js';
import type { JobState } from '../videos/processing/video-jobs.js';
import { DEFAULT_METRICS_PREFIX, METRIC } from './metric-names.js';

/** Seconds, from a fast API answer to a long web seed transfer. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Seconds, from a short video kept as it is to a long transcode. */
const JOB_BUCKETS = [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200];
/** Seconds: a delivery is immediate unless a friend was down (backoff up to 5 minutes) or the pod was. */
const DELIVERY_LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/**
 * The pod's Prometheus registry. Its own registry, not prom-client's global one, so that
 * several pods can live in one process (tests) without clashing.
 */
export class PodMetrics {
  readonly registry = new Registry();
  readonly projectionFailures: Counter<'projection'>;
  /** Observed once per response (request-metrics.ts); `route` is a template, never a raw path. */
  readonly httpRequestDuration = new Histogram<'method' | 'route' | 'status'>({
    name: METRIC.httpRequestDuration,
    help: 'HTTP requests by method, route template and status (aborted: the client left before the end), from the first byte received to the last sent',
    labelNames: ['method', 'route', 'status'],
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });
  readonly videoJobDuration = new Histogram<'state'>({
    name: METRIC.videoJobDuration,
    help: 'Processing jobs finished (state published or failed), from the upload accepted to the video published or the job failed',
    labelNames: ['state'],
    buckets: JOB_BUCKETS,
    registers: [this.registry],
  });
  readonly federationDeliveryDuration = new Histogram<'result'>({
    name: METRIC.federationDeliveryDuration,
    help: "Delivery requests to friends' inboxes by result (ok, failed), from sending to the answer",
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly federationDeliveryLatency = new Histogram({
    name: METRIC.federationDeliveryLatency,
    help: 'Own events acknowledged by a friend, from the event being recorded to the acknowledgement (one observation per event and friend)',
    buckets: DELIVERY_LATENCY_BUCKETS,
    registers: [this.registry],
  });

  constructor(store: OpenedEventStore, projections: () => ProjectionRunner | undefined) {
    for (const state of ['published', 'failed'] as const) this.videoJobDuration.zero({ state });
    for (const result of ['ok', 'failed'] as const) this.federationDeliveryDuration.zero({ result });
    collectDefaultMetrics({ register: this.registry, prefix: DEFAULT_METRICS_PREFIX });
    this.projectionFailures = new Counter({
      name: METRIC.projectionFailures,
      help: 'Events a projection could not apply (parked and skipped)',
      labelNames: ['projection'],
      registers: [this.registry],
    });
    const head = new Gauge({
      name: METRIC.eventLogHead,
      help: 'Position of the last event in the log',
      registers: [this.registry],
      async collect() {
        this.set(await store.headPosition());
      },
    });
    new Gauge({
      name: METRIC.projectionLag,
      help: 'Events in the log that a read model has not applied yet',
      labelNames: ['projection'],
      registers: [this.registry],
      async collect() {
        const position = await store.headPosition();
        for (const status of projections()?.status() ?? []) this.set({ projection: status.name }, Math.max(0, position - status.checkpoint));
      },
    });
    new Gauge({
      name: METRIC.projectionCheckpoint,
      help: 'Last log position applied by each read model',
      labelNames: ['projection'],
      registers: [this.registry],
      collect() {
        for (const status of projections()?.status() ?? []) this.set({ projection: status.name }, status.checkpoint);
      },
    });
    new Gauge({
      name: METRIC.projectionParked,
      help: 'Events parked by each read model since it was last rebuilt',
      labelNames: ['projection'],
      registers: [this.registry],
      collect() {
        for (const status of projections()?.status() ?? []) this.set({ projection: status.name }, status.parked);
      },
    });
    void head;
    for (const [stat, name, help] of [
      ['commits', METRIC.eventStoreCommits, 'Write transactions committed by the event store (group commit keeps this below writes)'],
      ['writes', METRIC.eventStoreWrites, 'Append calls committed by the event store'],
      ['events', METRIC.eventStoreEvents, 'Events appended to the log, local and foreign'],
    ] as const) {
      new Gauge({
        name,
        help: `${help}, since the pod started`,
        registers: [this.registry],
        collect() {
          this.set(store.stats()[stat]);
        },
      });
    }
  }

  /** Shows every projection's failure counter at 0 from the start, not only after its first failure. */
  trackProjections(names: readonly string[]): void {
    for (const projection of names) this.projectionFailures.inc({ projection }, 0);
  }

  /** Delivery per friend and what the inbox refused. */
  trackFederation(source: {
    ownHead: () => Promise<number>;
    peers: () => Array<{ actor: string; ackedSeq: number; failures: number }>;
    rejectedEvents: () => number;
    deliveryRequests: () => number;
    signatures: () => number;
  }): void {
    new Gauge({
      name: METRIC.federationDeliveryLag,
      help: 'Own events a friend has not acknowledged yet',
      labelNames: ['peer'],
      registers: [this.registry],
      async collect() {
        const head = await source.ownHead();
        for (const peer of source.peers()) this.set({ peer: peer.actor }, Math.max(0, head - peer.ackedSeq));
      },
    });
    new Gauge({
      name: METRIC.federationDeliveryFailures,
      help: 'Consecutive failed deliveries to a friend (0 when the last one succeeded)',
      labelNames: ['peer'],
      registers: [this.registry],
      collect() {
        for (const peer of source.peers()) this.set({ peer: peer.actor }, peer.failures);
      },
    });
    for (const [name, help, read] of [
      [METRIC.federationRejectedEvents, 'Events refused by the inbox since start', source.rejectedEvents],
      [METRIC.federationDeliveryRequests, 'Inbox requests sent to friends since start', source.deliveryRequests],
      [METRIC.federationHttpSignatures, 'HTTP requests signed since start', source.signatures],
    ] as const) {
      new Gauge({ name, help, registers: [this.registry], collect() { this.set(read()); } });
    }
  }

  /** The health scores of the friends, and the requests refused because of an expulsion. */
  trackHealth(source: {
    peers: () => Array<{ actor: string; score: number; failuresInRow: number; lastSeenAt: string | null }>;
    refusedExpelled: () => number;
    refusedUs: () => number;
    probes: () => number;
  }): void {
    new Gauge({
      name: METRIC.peerHealthScore,
      help: 'Health score of a peer as this pod sees it (starts at 100, +10 per successful contact, -10 per failure, 0 to 1000)',
      labelNames: ['peer'],
      registers: [this.registry],
      collect() {
        for (const peer of source.peers()) this.set({ peer: peer.actor }, peer.score);
      },
    });
    new Gauge({
      name: METRIC.peerFailedContactsInRow,
      help: 'Consecutive failed probes and deliveries to a peer',
      labelNames: ['peer'],
      registers: [this.registry],
      collect() {
        for (const peer of source.peers()) this.set({ peer: peer.actor }, peer.failuresInRow);
      },
    });
    new Gauge({
      name: METRIC.peerLastSeen,
      help: 'When a probe or delivery to a peer last succeeded (Unix time)',
      labelNames: ['peer'],
      registers: [this.registry],
      collect() {
        for (const peer of source.peers()) if (peer.lastSeenAt) this.set({ peer: peer.actor }, Date.parse(peer.lastSeenAt) / 1000);
      },
    });
    for (const [name, help, read] of [
      [METRIC.federationExpelledRequestsRefused, 'Signed requests refused (403 pod-expelled) because their signer is expelled, since start', source.refusedExpelled],
      [METRIC.healthPeersRefusingUs, 'Peers that answer that this pod is expelled', source.refusedUs],
      [METRIC.healthProbes, 'Health probes sent since start', source.probes],
    ] as const) {
      new Gauge({ name, help, registers: [this.registry], collect() { this.set(read()); } });
    }
  }

  /**
   * What the pod serves and how busy its swarms and jobs are. The byte and announce counts
   * are plain numbers kept by the web seed, the seeder and the tracker on their hot paths;
   * they become counters only when scraped (reset, then set to the running total, so a
   * deleted video's series goes away with it).
   */
  trackServing(source: {
    served: ServedBytes;
    tracker: () => TrackerSnapshot;
    seeder: () => SeederStats | null;
    jobs: () => Promise<Record<JobState, number>>;
  }): void {
    const { served } = source;
    new Counter({
      name: METRIC.webSeedSentBytes,
      help: "Bytes of video files sent by the web seed (HTTP 200/206 bodies under /static/web-videos, as written to the socket; Range answers count their range), deleted videos included",
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(served.all.webSeed);
      },
    });
    new Counter<'protocol'>({
      name: METRIC.seederSentBytes,
      help: 'Piece payload bytes sent by the seeder to peers, by protocol (tcp, utp, webrtc), deleted videos included',
      labelNames: ['protocol'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const protocol of SEEDER_PROTOCOLS) this.inc({ protocol }, served.all[protocol]);
      },
    });
    new Counter<'video'>({
      name: METRIC.videoWebSeedSentBytes,
      help: 'Bytes of a video file sent by the web seed, per video (uuid) the pod serves now',
      labelNames: ['video'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [video, sent] of served.videos()) this.inc({ video }, sent.webSeed);
      },
    });
    new Counter<'video' | 'protocol'>({
      name: METRIC.videoSeederSentBytes,
      help: 'Piece payload bytes of a video sent by the seeder, per video (uuid) the pod serves now and protocol',
      labelNames: ['video', 'protocol'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [video, sent] of served.videos()) for (const protocol of SEEDER_PROTOCOLS) this.inc({ video, protocol }, sent[protocol]);
      },
    });
    new Gauge({
      name: METRIC.seederTorrents,
      help: 'Torrents in the seeder (0 until the pod has a video to seed)',
      registers: [this.registry],
      collect() {
        this.set(source.seeder()?.torrents ?? 0);
      },
    });
    new Gauge<'protocol'>({
      name: METRIC.seederPeers,
      help: 'Peers connected to the seeder, by protocol',
      labelNames: ['protocol'],
      registers: [this.registry],
      collect() {
        const wires = source.seeder()?.wires;
        for (const protocol of SEEDER_PROTOCOLS) this.set({ protocol }, wires?.[protocol] ?? 0);
      },
    });
    const protocols = ['http', 'udp', 'ws'] as const;
    new Counter<'protocol' | 'result'>({
      name: METRIC.trackerAnnounces,
      help: 'Announces to the tracker by protocol (http, udp, ws) and result (ok, refused: an unknown torrent, a bad parameter, rate limited)',
      labelNames: ['protocol', 'result'],
      registers: [this.registry],
      collect() {
        const stats = source.tracker();
        this.reset();
        for (const protocol of protocols) {
          this.inc({ protocol, result: 'ok' }, stats.announces[protocol]);
          this.inc({ protocol, result: 'refused' }, stats.announcesRefused[protocol]);
        }
      },
    });
    new Counter<'protocol'>({
      name: METRIC.trackerScrapes,
      help: 'Scrapes answered by the tracker, by protocol',
      labelNames: ['protocol'],
      registers: [this.registry],
      collect() {
        const stats = source.tracker();
        this.reset();
        for (const protocol of protocols) this.inc({ protocol }, stats.scrapes[protocol]);
      },
    });
    new Counter<'code'>({
      name: METRIC.trackerFailures,
      help: "Requests the tracker refused, every protocol, by the failure's stable code (libs/tracker failures.ts)",
      labelNames: ['code'],
      registers: [this.registry],
      collect() {
        const stats = source.tracker();
        this.reset();
        for (const [code, count] of Object.entries(stats.failures)) this.inc({ code }, count ?? 0);
      },
    });
    new Gauge({
      name: METRIC.trackerSwarms,
      help: 'Swarms (torrents with at least one peer) the tracker knows',
      registers: [this.registry],
      collect() {
        this.set(source.tracker().swarms);
      },
    });
    new Gauge<'role'>({
      name: METRIC.trackerPeers,
      help: 'Peers in the tracker\'s swarms, by role (seeder, leecher), the seeder itself included',
      labelNames: ['role'],
      registers: [this.registry],
      collect() {
        const stats = source.tracker();
        this.set({ role: 'seeder' }, stats.seeders);
        this.set({ role: 'leecher' }, stats.leechers);
      },
    });
    new Gauge({
      name: METRIC.trackerWebSocketConnections,
      help: 'Open WebSocket connections to the tracker (browsers)',
      registers: [this.registry],
      collect() {
        this.set(source.tracker().wsConnections);
      },
    });
    new Gauge<'state'>({
      name: METRIC.videoJobs,
      help: 'Upload processing jobs by state (processing, published, failed), as recorded',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        for (const [state, count] of Object.entries(await source.jobs())) this.set({ state }, count);
      },
    });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

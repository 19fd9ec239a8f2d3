import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { OpenedEventStore } from '@swarmtube/event-store';
import type { ProjectionRunner } from '../projections/projection-runner.js';

/**
 * The pod's Prometheus registry. Its own registry, not prom-client's global one, so that
 * several pods can live in one process (tests) without clashing.
 */
export class PodMetrics {
  readonly registry = new Registry();
  readonly projectionFailures: Counter<'projection'>;

  constructor(store: OpenedEventStore, projections: () => ProjectionRunner | undefined) {
    collectDefaultMetrics({ register: this.registry, prefix: 'swarmtube_' });
    this.projectionFailures = new Counter({
      name: 'swarmtube_projection_failures_total',
      help: 'Events a projection could not apply (parked and skipped)',
      labelNames: ['projection'],
      registers: [this.registry],
    });
    const head = new Gauge({
      name: 'swarmtube_event_log_head_position',
      help: 'Position of the last event in the log',
      registers: [this.registry],
      async collect() {
        this.set(await store.headPosition());
      },
    });
    new Gauge({
      name: 'swarmtube_projection_lag_events',
      help: 'Events in the log that a read model has not applied yet',
      labelNames: ['projection'],
      registers: [this.registry],
      async collect() {
        const position = await store.headPosition();
        for (const status of projections()?.status() ?? []) this.set({ projection: status.name }, Math.max(0, position - status.checkpoint));
      },
    });
    new Gauge({
      name: 'swarmtube_projection_checkpoint',
      help: 'Last log position applied by each read model',
      labelNames: ['projection'],
      registers: [this.registry],
      collect() {
        for (const status of projections()?.status() ?? []) this.set({ projection: status.name }, status.checkpoint);
      },
    });
    new Gauge({
      name: 'swarmtube_projection_parked_events',
      help: 'Events parked by each read model since it was last rebuilt',
      labelNames: ['projection'],
      registers: [this.registry],
      collect() {
        for (const status of projections()?.status() ?? []) this.set({ projection: status.name }, status.parked);
      },
    });
    void head;
    for (const [stat, help] of [
      ['commits', 'Write transactions committed by the event store (group commit keeps this below writes)'],
      ['writes', 'Append calls committed by the event store'],
      ['events', 'Events appended to the log, local and foreign'],
    ] as const) {
      new Gauge({
        name: `swarmtube_event_store_${stat}`,
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
      name: 'swarmtube_federation_delivery_lag_events',
      help: 'Own events a friend has not acknowledged yet',
      labelNames: ['peer'],
      registers: [this.registry],
      async collect() {
        const head = await source.ownHead();
        for (const peer of source.peers()) this.set({ peer: peer.actor }, Math.max(0, head - peer.ackedSeq));
      },
    });
    new Gauge({
      name: 'swarmtube_federation_delivery_failures',
      help: 'Consecutive failed deliveries to a friend (0 when the last one succeeded)',
      labelNames: ['peer'],
      registers: [this.registry],
      collect() {
        for (const peer of source.peers()) this.set({ peer: peer.actor }, peer.failures);
      },
    });
    for (const [name, help, read] of [
      ['swarmtube_federation_rejected_events', 'Events refused by the inbox since start', source.rejectedEvents],
      ['swarmtube_federation_delivery_requests', 'Inbox requests sent to friends since start', source.deliveryRequests],
      ['swarmtube_federation_http_signatures', 'HTTP requests signed since start', source.signatures],
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
      name: 'swarmtube_peer_health_score',
      help: 'Health score of a peer as this pod sees it (starts at 100, +10 per successful contact, -10 per failure, 0 to 1000)',
      labelNames: ['peer'],
      registers: [this.registry],
      collect() {
        for (const peer of source.peers()) this.set({ peer: peer.actor }, peer.score);
      },
    });
    new Gauge({
      name: 'swarmtube_peer_failed_contacts_in_row',
      help: 'Consecutive failed probes and deliveries to a peer',
      labelNames: ['peer'],
      registers: [this.registry],
      collect() {
        for (const peer of source.peers()) this.set({ peer: peer.actor }, peer.failuresInRow);
      },
    });
    new Gauge({
      name: 'swarmtube_peer_last_seen_timestamp_seconds',
      help: 'When a probe or delivery to a peer last succeeded (Unix time)',
      labelNames: ['peer'],
      registers: [this.registry],
      collect() {
        for (const peer of source.peers()) if (peer.lastSeenAt) this.set({ peer: peer.actor }, Date.parse(peer.lastSeenAt) / 1000);
      },
    });
    for (const [name, help, read] of [
      ['swarmtube_federation_expelled_requests_refused', 'Signed requests refused (403 pod-expelled) because their signer is expelled, since start', source.refusedExpelled],
      ['swarmtube_health_peers_refusing_us', 'Peers that answer that this pod is expelled', source.refusedUs],
      ['swarmtube_health_probes', 'Health probes sent since start', source.probes],
    ] as const) {
      new Gauge({ name, help, registers: [this.registry], collect() { this.set(read()); } });
    }
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/**
 * Every metric the pod exports under its own name, in one place: pod-metrics.ts creates them
 * from here, and the Grafana dashboard's test (deploy/grafana) checks that every name its
 * queries use is one of these and is in a real pod's /metrics. prom-client's default process
 * metrics (`swarmtube_process_*`, `swarmtube_nodejs_*`) come on top; the dashboard uses none.
 * docs/operations.md ("Metrics") says what each one counts.
 */
export const METRIC = {
  // The log and the read models.
  projectionFailures: 'swarmtube_projection_failures_total',
  eventLogHead: 'swarmtube_event_log_head_position',
  projectionLag: 'swarmtube_projection_lag_events',
  projectionCheckpoint: 'swarmtube_projection_checkpoint',
  projectionParked: 'swarmtube_projection_parked_events',
  eventStoreCommits: 'swarmtube_event_store_commits',
  eventStoreWrites: 'swarmtube_event_store_writes',
  eventStoreEvents: 'swarmtube_event_store_events',

  // HTTP.
  httpRequestDuration: 'swarmtube_http_request_duration_seconds',

  // What the pod serves of its videos' files.
  webSeedSentBytes: 'swarmtube_web_seed_sent_bytes_total',
  seederSentBytes: 'swarmtube_seeder_sent_bytes_total',
  videoWebSeedSentBytes: 'swarmtube_video_web_seed_sent_bytes_total',
  videoSeederSentBytes: 'swarmtube_video_seeder_sent_bytes_total',
  seederTorrents: 'swarmtube_seeder_torrents',
  seederPeers: 'swarmtube_seeder_peers',

  // The tracker.
  trackerAnnounces: 'swarmtube_tracker_announces_total',
  trackerScrapes: 'swarmtube_tracker_scrapes_total',
  trackerFailures: 'swarmtube_tracker_failures_total',
  trackerSwarms: 'swarmtube_tracker_swarms',
  trackerPeers: 'swarmtube_tracker_peers',
  trackerWebSocketConnections: 'swarmtube_tracker_websocket_connections',

  // Uploads' processing jobs.
  videoJobs: 'swarmtube_video_jobs',
  videoJobDuration: 'swarmtube_video_job_duration_seconds',

  // Federation.
  federationDeliveryLag: 'swarmtube_federation_delivery_lag_events',
  federationDeliveryFailures: 'swarmtube_federation_delivery_failures',
  federationRejectedEvents: 'swarmtube_federation_rejected_events',
  federationDeliveryRequests: 'swarmtube_federation_delivery_requests',
  federationHttpSignatures: 'swarmtube_federation_http_signatures',
  federationDeliveryDuration: 'swarmtube_federation_delivery_request_duration_seconds',
  federationDeliveryLatency: 'swarmtube_federation_delivery_latency_seconds',
  federationExpelledRequestsRefused: 'swarmtube_federation_expelled_requests_refused',

  // The friends' health.
  peerHealthScore: 'swarmtube_peer_health_score',
  peerFailedContactsInRow: 'swarmtube_peer_failed_contacts_in_row',
  peerLastSeen: 'swarmtube_peer_last_seen_timestamp_seconds',
  healthPeersRefusingUs: 'swarmtube_health_peers_refusing_us',
  healthProbes: 'swarmtube_health_probes',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

export const METRIC_NAMES: readonly MetricName[] = Object.values(METRIC);

/** prom-client's default metrics, with the pod's prefix (collectDefaultMetrics). */
export const DEFAULT_METRICS_PREFIX = 'swarmtube_';

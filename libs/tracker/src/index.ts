export { createTracker, type Tracker, type TrackerSnapshot } from './tracker.js';
export type { TrackerOptions, TrackerStats } from './core.js';
export type { TrackerFailure, TrackerFailureCode } from './failures.js';
export type { HttpOutcome } from './http.js';
export type { WsOutcome } from './ws.js';
export type { UdpTrackerHandle } from './udp.js';
export type { RateLimitOptions } from './rate-limit.js';
export * from './test-support.js';

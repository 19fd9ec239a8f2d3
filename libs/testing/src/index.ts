export * from './event-fixtures.js';
export * from './test-databases.js';
export * from './test-sealer.js';
export * from './pod-process.js';
export * from './media-fixtures.js';
export * from './aria2.js';
export * from './peertube-video-checks.js';
export * from './test-certificates.js';

// Node-only: the validator reads events/ from disk. Browser code imports './browser.js' instead.
export * from './events/index.js';
export * from './api/rest-types.js';
export * from './api/video-field-rules.js';
export * from './api/video-list-rules.js';
export * from './api/resumable-upload-rules.js';
export * from './federation/federation-limits.js';
export * from './pod-urls.js';
export * from './seeder-peer-id.js';

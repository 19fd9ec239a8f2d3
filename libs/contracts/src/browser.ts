// What a browser may import of this library (the site): the types and the rules that need no
// Node module. index.ts has all of this too, plus the validator, which reads events/ from disk.
export * from './events/event-types.js';
export * from './api/rest-types.js';
export * from './api/video-field-rules.js';
export * from './api/video-list-rules.js';
export * from './api/resumable-upload-rules.js';
export * from './pod-urls.js';
export * from './seeder-peer-id.js';

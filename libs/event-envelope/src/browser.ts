// What a browser may import of this library (the site verifies events): JCS and Multikey
// bytes, no Node module. index.ts has all of this too, plus signing and KeyObjects.
export type * from './envelope.js';
export { canonicalize } from './jcs.js';
export * from './multibase.js';

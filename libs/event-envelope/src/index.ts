export * from './envelope.js';
export * from './canonical.js';
export * from './proof.js';

export * from './envelope.js';
export * from './canonical.js';
export * from './proof.js';
export * from './multikey.js';
export * from './keys.js';
export * from './sealer.js';
export * from './verify-envelope.js';

// Node-only: the validator reads events/ from disk. Browser code imports './events/event-types.js' instead.
export * from './events/index.js';

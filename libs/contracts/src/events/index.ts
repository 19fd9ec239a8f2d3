export * from './event-types.js';
export * from './event-streams.js';
export * from './event-validator.js';
export { findEventsFolder, readEventSchemaFiles, type EventSchemaFile, type EventSchemaFiles } from './event-schema-files.js';
export { readGoldenExample, readGoldenExamples, type GoldenExample } from './golden-examples.js';

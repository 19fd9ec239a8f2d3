import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findEventsFolder } from './event-schema-files.js';

/** The golden example of each event type and version: events/<Type>/v<N>.example.json. */
export interface GoldenExample {
  type: string;
  version: number;
  /** A fresh parse on every call, so a test may mutate it. */
  envelope: Record<string, unknown>;
}

const EXAMPLE_FILE = /^v([1-9][0-9]{0,3})\.example\.json$/;

export function readGoldenExamples(folder: string = findEventsFolder()): GoldenExample[] {
  const examples: GoldenExample[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    for (const file of readdirSync(join(folder, entry.name))) {
      const match = EXAMPLE_FILE.exec(file);
      if (!match) continue;
      const envelope = JSON.parse(readFileSync(join(folder, entry.name, file), 'utf8')) as Record<string, unknown>;
      examples.push({ type: entry.name, version: Number(match[1]), envelope });
    }
  }
  return examples.sort((a, b) => a.type.localeCompare(b.type) || a.version - b.version);
}

export function readGoldenExample(type: string, version = 1, folder: string = findEventsFolder()): Record<string, unknown> {
  return JSON.parse(readFileSync(join(folder, type, `v${version}.example.json`), 'utf8')) as Record<string, unknown>;
}

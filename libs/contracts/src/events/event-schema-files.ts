import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Finds and reads the published schemas of events/. The code runs from dist/, so the
 * folder is found by walking up to the repository root rather than beside this file.
 */

export interface EventSchemaFile {
  type: string;
  version: number;
  schema: Record<string, unknown>;
}

export interface EventSchemaFiles {
  common: Record<string, unknown>;
  envelope: Record<string, unknown>;
  events: EventSchemaFile[];
}

const EVENT_TYPE_FOLDER = /^[A-Z][A-Za-z0-9]{1,63}$/;
const SCHEMA_FILE = /^v([1-9][0-9]{0,3})\.schema\.json$/;

export function findEventsFolder(start: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(start);
  for (;;) {
    // The envelope schema, not just a folder named events/, marks the catalogue (dist/ may hold copies).
    if (existsSync(join(dir, 'events', 'envelope.schema.json')) && existsSync(join(dir, 'package.json'))) {
      return join(dir, 'events');
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no events/ folder above ${start}`);
    dir = parent;
  }
}

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** Reads every schema; a misnamed file is a packaging error, so it throws rather than being skipped. */
export function readEventSchemaFiles(folder: string = findEventsFolder()): EventSchemaFiles {
  const events: EventSchemaFile[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    if (!EVENT_TYPE_FOLDER.test(entry.name)) throw new Error(`events/${entry.name}: not an event type name`);
    for (const file of readdirSync(join(folder, entry.name))) {
      if (file.endsWith('.example.json')) continue;
      const match = SCHEMA_FILE.exec(file);
      if (!match) throw new Error(`events/${entry.name}/${file}: expected v<N>.schema.json`);
      const schema = readJson(join(folder, entry.name, file));
      const version = Number(match[1]);
      if (schema.title !== `${entry.name} v${version}`) {
        throw new Error(`events/${entry.name}/${file}: title must be "${entry.name} v${version}"`);
      }
      events.push({ type: entry.name, version, schema });
    }
  }
  events.sort((a, b) => a.type.localeCompare(b.type) || a.version - b.version);
  return {
    common: readJson(join(folder, 'common.schema.json')),
    envelope: readJson(join(folder, 'envelope.schema.json')),
    events,
  };
}

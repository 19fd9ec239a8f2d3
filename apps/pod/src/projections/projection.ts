import { isCatalogEvent, type CatalogEvent } from '@swarmtube/contracts';
import type { StoredEvent } from '@swarmtube/event-store';
import type { SqlStatement } from '@swarmtube/event-store';

export interface ReadModelTable {
  name: string;
  /** A total order over the rows, so that two builds of the same model digest alike. */
  orderBy: string;
}

/**
 * A read model built from the log. `apply` is pure: it turns one event into the statements
 * that update the model, and the runner commits them together with the checkpoint, so a
 * projection is exactly-once and can be rebuilt from position 0 by dropping its tables.
 * Statements use only SQL that SQLite and PostgreSQL share, with $1.. placeholders.
 */
export interface Projection {
  readonly name: string;
  /** Bump when the tables or `apply` change meaning: the runner then rebuilds the model. */
  readonly version: number;
  readonly tables: readonly ReadModelTable[];
  createTables(): SqlStatement[];
  apply(event: StoredEvent<CatalogEvent>): SqlStatement[];
  /** Optional: a faster way to fill the tables when the runner rebuilds them from position 0. */
  readonly rebuild?: RebuildForm;
}

/**
 * Tables as a rebuild from position 0 fills them fastest, then turned into what createTables()
 * makes. An index maintained row by row costs more than one built over the finished table
 * (a full-text index most of all), and nothing reads the model before it has caught up.
 *
 * `apply`'s statements must do the same on both forms. The runner runs `finish` in the
 * transaction that brings the model to the head of the log as it was when the rebuild began,
 * so the model is in its final form before waitFor(head) resolves; a rebuild interrupted by a
 * crash goes on in the rebuild form at the next start.
 */
export interface RebuildForm {
  createTables(): SqlStatement[];
  finish(): SqlStatement[];
}

/**
 * One stored event's statements for one projection. The log holds only catalogue events
 * (see isCatalogEvent), so `apply` gets its data typed; an event of a type or version this
 * build does not know changes no model.
 */
export function statementsFor(projection: Projection, stored: StoredEvent): SqlStatement[] {
  return isCatalogStoredEvent(stored) ? projection.apply(stored) : [];
}

function isCatalogStoredEvent(stored: StoredEvent): stored is StoredEvent<CatalogEvent> {
  return isCatalogEvent(stored.event);
}

import type { StoredEvent } from '../../../../libs/event-store/src/event-store.port.js';
import type { SqlStatement } from '../../../../libs/event-store/src/read-model-database.port.js';

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
  apply(event: StoredEvent): SqlStatement[];
}

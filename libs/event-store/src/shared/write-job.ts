import type { AppendResult, ForeignOutcome } from '../event-store.port.js';
import type { LocalAppendRequest } from './write-plan.js';

/** One append call waiting for its group commit. */
export type WriteJob =
  | { kind: 'local'; request: LocalAppendRequest; resolve(result: AppendResult): void; reject(error: unknown): void }
  | { kind: 'foreign'; events: readonly unknown[]; resolve(outcomes: ForeignOutcome[]): void; reject(error: unknown): void };

export type LocalJob = Extract<WriteJob, { kind: 'local' }>;
export type ForeignJob = Extract<WriteJob, { kind: 'foreign' }>;

/** Counters kept by an adapter for `stats()`. */
export class WriteCounters {
  commits = 0;
  writes = 0;
  events = 0;

  snapshot(): { commits: number; writes: number; events: number } {
    return { commits: this.commits, writes: this.writes, events: this.events };
  }
}

import { PreloadedLogState, type OriginHead } from '../shared/log-state.js';
import { emptyStateKeys, type StateKeys } from '../shared/write-plan.js';

const MAX_CACHED_STREAMS = 50_000;

/**
 * What this process knew of the log after its own last commit. Positions are gap-free and
 * only grow, so if the head read under the writers' lock is still the one we left, nobody
 * else has written since and the cached heads and stream versions still hold: the common
 * single-writer case then skips the state query and costs the same round trips as a raw
 * insert. Any other head (another process wrote, or a commit of ours failed) drops the cache.
 */
export class PostgresWriteCache {
  private head = -1;
  private readonly heads = new Map<string, OriginHead | null>();
  private readonly versions = new Map<string, number>();

  /** Starts a transaction's state from the head read under the lock; returns what still has to be loaded. */
  begin(headNow: number, wanted: StateKeys): StateKeys {
    if (headNow !== this.head) this.invalidate();
    this.head = headNow;
    const missing = emptyStateKeys();
    for (const origin of wanted.origins) if (!this.heads.has(origin)) missing.origins.add(origin);
    for (const stream of wanted.streams) if (!this.versions.has(stream)) missing.streams.add(stream);
    // Ids are never cached: "not taken" is cheap to ask and costly to get wrong.
    for (const id of wanted.ids) missing.ids.add(id);
    return missing;
  }

  /** The transaction's state: what was just loaded, over the cache. */
  state(loaded: { heads: Map<string, OriginHead | null>; versions: Map<string, number>; bodies: Map<string, string | undefined> }): PreloadedLogState {
    return new PreloadedLogState(this.head, loaded.heads, loaded.versions, loaded.bodies, { heads: this.heads, versions: this.versions });
  }

  /** After COMMIT only: the transaction's final state becomes what we know. */
  committed(state: PreloadedLogState): void {
    const snapshot = state.snapshot();
    this.head = snapshot.head;
    for (const [origin, head] of snapshot.heads) this.heads.set(origin, head);
    if (this.versions.size + snapshot.versions.size > MAX_CACHED_STREAMS) this.versions.clear();
    for (const [stream, version] of snapshot.versions) this.versions.set(stream, version);
  }

  invalidate(): void {
    this.head = -1;
    this.heads.clear();
    this.versions.clear();
  }
}

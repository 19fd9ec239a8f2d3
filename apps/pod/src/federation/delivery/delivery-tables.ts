import type { ReadModelDatabase } from '@swarmtube/event-store';

/**
 * The per-friend delivery cursors: local state, not events. Created when the pod opens,
 * before it serves, because GET /api/v1/pods reads it too (last seen).
 */
export async function ensureDeliveryTables(db: ReadModelDatabase): Promise<void> {
  await db.execute([
    {
      sql: `CREATE TABLE IF NOT EXISTS fed_deliveries (
        actor TEXT PRIMARY KEY, acked_seq BIGINT NOT NULL, failures INTEGER NOT NULL,
        next_attempt_at BIGINT NOT NULL, last_success_at TEXT, last_error TEXT)`,
    },
  ]);
}

import type { ReadModelDatabase } from '@swarmtube/event-store';
import type { PodLogger } from '../logger/pod-logger.js';

/**
 * How often each video was opened on this pod (GET by uuid, what its watch page asks): a local
 * counter, not an event (views dominate federation traffic: see the design). The mirror policy's
 * "most watched" reads it. Its table is the migrations'.
 */
export class VideoViews {
  constructor(
    private readonly db: ReadModelDatabase,
    private readonly logger: PodLogger,
  ) {}

  /** Not awaited by the request: a lost count is better than a slower page. */
  count(uuid: string): void {
    void this.db
      .execute([{ sql: 'INSERT INTO local_video_views (uuid, views) VALUES ($1, 1) ON CONFLICT (uuid) DO UPDATE SET views = local_video_views.views + 1', params: [uuid] }])
      .catch((error: unknown) => this.logger.warn(`views of ${uuid} not counted: ${String(error)}`));
  }
}

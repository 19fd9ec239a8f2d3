import type { ReadModelDatabase } from '@swarmtube/event-store';
import { mirrorsProjectionFor } from '../mirrors/projections/mirrors.projection.js';
import { friendshipsProjection } from '../pods/projections/friendships.projection.js';
import { podsProjection } from '../pods/projections/pods.projection.js';
import { videosProjectionFor } from '../videos/projections/videos.projection.js';
import type { Projection } from './projection.js';

/**
 * Every read model of a pod; the audit replays into the same list. The videos' search index
 * is FTS5 on SQLite and GIN on PostgreSQL, so the list depends on the dialect; the tables a
 * digest covers are the same on both.
 */
export function allProjections(dialect: ReadModelDatabase['dialect']): readonly Projection[] {
  return [podsProjection, friendshipsProjection, videosProjectionFor(dialect), mirrorsProjectionFor(dialect)];
}

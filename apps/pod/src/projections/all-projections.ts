import { friendshipsProjection } from '../pods/projections/friendships.projection.js';
import { podsProjection } from '../pods/projections/pods.projection.js';
import { videosProjection } from '../videos/projections/videos.projection.js';
import type { Projection } from './projection.js';

/** Every read model of a pod; the audit replays into the same list. */
export const ALL_PROJECTIONS: readonly Projection[] = [podsProjection, friendshipsProjection, videosProjection];

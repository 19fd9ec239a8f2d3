// The REST shapes the site reads (DESIGN.md, "API contract"). Event types come from the shared
// libraries, type-only or browser-safe modules, so the bundle gets no server code. The video,
// pod and account shapes are not in libs/contracts yet: they mirror the pod's DTOs
// (apps/pod/src/videos/queries/video-dto.ts, apps/pod/src/pods/membership.ts,
// apps/pod/src/users/local-accounts.ts).
import type { EventEnvelope } from '../../../../libs/event-envelope/src/envelope.js';
import type { EventType, PodJoinedDataV1 } from '../../../../libs/contracts/src/events/event-types.js';

export type { EventEnvelope, EventType, PodJoinedDataV1 };

/** `GET /api/v1/config` */
export interface PodConfig {
  host: string;
  name: string;
  version: string;
  signup: boolean;
}

/** `GET /api/v1/events?after=N&limit=M`: `next` is the `after` of the following page. */
export interface EventPage {
  events: EventEnvelope[];
  next: number | null;
}

/** An `application/problem+json` body (RFC 9457) with the pod's stable `code`. */
export interface ProblemDocument {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
}

/** A published video as `GET /api/v1/videos` and `GET /api/v1/videos/{uuid}` show it (VideoDto). */
export interface Video {
  uuid: string;
  name: string;
  description: string;
  tags: string[];
  /** Whole seconds. */
  duration: number;
  state: 'published';
  /** host[:port] of the pod the video was uploaded to. */
  originHost: string;
  /** Uploaded to this pod. */
  isLocal: boolean;
  infoHash: string;
  magnetUri: string;
  /** On the origin pod. */
  torrentUrl: string;
  /** On the origin pod. */
  webSeedUrls: string[];
  thumbnailUrl: string;
  publishedAt: string;
  updatedAt: string;
  /** Bytes. */
  size: number;
  mimeType: string;
  account: { username: string };
  available: boolean;
}

export interface VideoList {
  total: number;
  data: Video[];
}

/** `GET /api/v1/videos/{uuid}` of a local upload that is not published (yet, or ever). */
export interface VideoUploadState {
  uuid: string;
  name: string;
  state: 'processing' | 'failed';
  /** 0..1 */
  progress: number;
  step: string;
  error: { code: string; message: string } | null;
}

export type VideoOrUpload = Video | VideoUploadState;

export const VIDEO_SORTS = ['-publishedAt', 'publishedAt', 'name', '-name', 'duration', '-duration', '-match'] as const;
export type VideoSort = (typeof VIDEO_SORTS)[number];

/** `origin=`: every pod, this pod, the others, or one pod by host[:port]. */
export type OriginFilter = 'all' | 'local' | 'remote' | `host:${string}`;

export interface VideoQuery {
  search?: string;
  origin?: OriginFilter;
  sort?: VideoSort;
}

/** `POST /api/v1/videos/upload` → 201 */
export interface UploadAccepted {
  uuid: string;
}

/** `GET /api/v1/pods`: another pod as this pod sees it. */
export interface PodView {
  host: string;
  actor: string;
  status: 'active' | 'pending' | 'left' | 'expelled' | string;
  /** Health score: starts at 100, ±10 per success or failure, capped at 1000. */
  score: number;
  joinedAt: string | null;
  lastSeenAt: string | null;
  /**
   * Not in the contract yet: an expulsion tally, when the pod's API provides one. The site
   * shows it only when present (see `readTally`).
   */
  expulsionVotes?: unknown;
  votes?: unknown;
}

/** `POST /api/v1/pods/make-friends` */
export interface MakeFriendsReport {
  asked: string[];
  answered: string[];
  chosen: string[];
  requested: string[];
  failed: Array<{ host: string; error: string }>;
}

/** `POST /api/v1/users/token` */
export interface IssuedToken {
  access_token: string;
  token_type: 'Bearer';
  /** Seconds. */
  expires_in: number;
}

/** `GET /api/v1/users/me` */
export interface Account {
  username: string;
  role: 'admin' | 'user';
  createdAt: string;
}

import type { EventEnvelope } from '../../../event-envelope/src/browser.js';

/**
 * The JSON shapes of the REST API (README.md, "API"; the OpenAPI document at /api/docs), one definition for the pod that
 * writes them and the site that reads them. Types only: the browser bundle gets no code from
 * here. The pod's OpenAPI classes `implements` these, so the description cannot drift either.
 */

/** An `application/problem+json` body (RFC 9457) with the pod's stable `code`. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  /** The request's id, as in its X-Request-Id answer header and the pod's access log (set by the pod on every problem it answers). */
  requestId?: string;
  [extension: string]: unknown;
}

/** `GET /api/v1/config` */
export interface PodConfigDto {
  host: string;
  /** The pod's public URL (`https://video.example.org`); its actor is PUBLIC_URL/federation/actor. */
  publicUrl: string;
  name: string;
  version: string;
  signup: boolean;
}

/** A video as `GET /api/v1/videos` and `GET /api/v1/videos/{uuid}` show it. */
export interface VideoDto {
  uuid: string;
  name: string;
  description: string;
  tags: string[];
  /** Whole seconds. */
  duration: number;
  /** Only published videos reach the read model: processing and failed uploads are the origin's business. */
  state: 'published';
  /** host[:port] of the pod the video was uploaded to. */
  originHost: string;
  /** Uploaded to this pod. */
  isLocal: boolean;
  infoHash: string;
  magnetUri: string;
  /** On the origin pod. */
  torrentUrl: string;
  /** The origin's web seeds, then its mirrors' (the mirrors' first while the origin is unreachable). */
  webSeedUrls: string[];
  /** On the origin pod (`/static/thumbnails/<uuid>.jpg`); `thumbnailUrls` has the mirrors' too. */
  thumbnailUrl: string;
  /** RFC 3339, UTC, milliseconds. */
  publishedAt: string;
  /** The last change by the origin (publishedAt until then). */
  updatedAt: string;
  /** Bytes. */
  size: number;
  mimeType: string;
  account: { username: string };
  /** False while its origin pod is expelled: kept, listed nowhere, not playable. */
  available: boolean;
  /** The other pods that hold a whole copy and seed, track and serve it (VideoMirrored); never expelled ones. */
  mirrors: VideoMirrorDto[];
  /** False while this pod's last contact with the origin failed (its health of the origin); true for its own videos. */
  originReachable: boolean;
  /** The origin is unreachable and mirrors carry the video: the site says so on cards and the video page. */
  servedByMirrors: boolean;
  /** Every .torrent of the video (one info-hash): the origin's and its mirrors', reachable ones first. */
  torrentUrls: string[];
  /** Every tracker of the video: the origin's and its mirrors', reachable ones first. The magnet carries them too. */
  trackerUrls: string[];
  /** Every copy of the thumbnail: the origin's and its mirrors', reachable ones first (as torrentUrls). A mirror that could not fetch it yet answers 404: take the next. */
  thumbnailUrls: string[];
}

/** One mirror of a video (`VideoDto.mirrors`). */
export interface VideoMirrorDto {
  host: string;
  torrentUrl: string;
  trackers: string[];
  webSeedUrls: string[];
  /** The mirror's copy of the thumbnail (`/static/thumbnails/<uuid>.jpg` on the mirror). */
  thumbnailUrl: string;
  /** RFC 3339: when the mirror said it holds the copy. */
  mirroredAt: string;
  /** False while this pod's last contact with the mirror failed; true for this pod itself. */
  reachable: boolean;
}

/** `GET /api/v1/videos` */
export interface VideoListDto {
  /** Every video that matches, across all pages. */
  total: number;
  data: VideoDto[];
}

/** `GET /api/v1/videos/{uuid}` of a local upload that is not published (yet, or ever). */
export interface VideoUploadDto {
  uuid: string;
  name: string;
  description: string;
  tags: string[];
  state: 'processing' | 'failed';
  /** 0 to 1. */
  progress: number;
  /** The processing step under way. */
  step: string;
  error: { code: string; message: string } | null;
  originHost: string;
  isLocal: true;
  account: { username: string };
  createdAt: string;
  updatedAt: string;
}

/** `POST /api/v1/videos/upload` → 201 */
export interface UploadAcceptedDto {
  uuid: string;
}

/** `GET /api/v1/pods`: another pod as this pod sees it. */
export interface PodView {
  host: string;
  actor: string;
  /** `active`, `pending`, `left`, `expelled`… (the membership read model's status). */
  status: string;
  /** Health score: starts at 100, ±10 per success or failure, 0 to 1000. */
  score: number;
  joinedAt: string | null;
  lastSeenAt: string | null;
  /** This pod's own friendship with it (status is about the network, this is about the pair). */
  friendship: FriendshipState;
}

/**
 * `none`: never asked; `outgoing`: this pod asked, no answer yet; `incoming`: it asked this pod,
 * waiting for an admin (friends.autoAccept off); `accepted`: friends; `ended`: quit, dropped or declined.
 */
export type FriendshipState = 'none' | 'outgoing' | 'incoming' | 'accepted' | 'ended';

/** `POST /api/v1/pods/make-friends` */
export interface MakeFriendsReport {
  asked: string[];
  answered: string[];
  chosen: string[];
  requested: string[];
  failed: Array<{ host: string; error: string }>;
}

/** `POST /api/v1/pods/quit-friends` */
export interface QuitFriendsReport {
  left: string[];
}

/** What a vote on a pod is about: its expulsion while it is a member, its readmission once expelled. */
export type Motion = 'expulsion' | 'readmission';

export interface BallotVoteView {
  host: string;
  voter: string;
  id: string;
  occurredAt: string;
  reason: string;
  /** Cast by a member of the electorate: it counts towards the quorum. */
  counted: boolean;
}

/** A target's ballot as this pod sees it (`GET /api/v1/pods/{host}/votes`, and every vote's answer). */
export interface BallotView {
  host: string;
  actor: string;
  /** The target's status in this pod's read model (`active`, `expelled`, …; `unknown` if none). */
  status: string;
  /** What a vote on this pod is about now. */
  motion: Motion;
  /** The active members other than the target. */
  electorate: number;
  /** Votes needed: more than half of the electorate. */
  needed: number;
  votes: BallotVoteView[];
  /** The outcome records of the current state (ids): several pods may each have recorded it. */
  records: string[];
}

/** `POST` and `DELETE /api/v1/pods/{host}/expulsion-votes` (and readmission-votes). */
export interface VoteAnswer {
  /** The id of the event appended for the vote (cast or withdrawn). */
  event: string;
  /** The id of the outcome record appended with it, when this vote completed the quorum. */
  recorded: string | null;
  ballot: BallotView;
}

export type Role = 'admin' | 'user';

/** `GET /api/v1/users/me`, `POST /api/v1/users/register` */
export interface Account {
  username: string;
  role: Role;
  /** ISO 8601. */
  createdAt: string;
}

/** `POST /api/v1/users/token` */
export interface IssuedToken {
  access_token: string;
  token_type: 'Bearer';
  /** Seconds. */
  expires_in: number;
}

/** `GET /api/v1/events?after=N&limit=M`: pass `next` back as `after` for the following page. */
export interface EventPage {
  events: EventEnvelope[];
  next: number;
}

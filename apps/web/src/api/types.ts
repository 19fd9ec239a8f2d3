// The REST shapes the site reads: one definition with the pod, in libs/contracts (type-only
// modules, so the bundle gets no server code). Aliased here to the names the site uses.
import type { EventEnvelope } from '../../../../libs/event-envelope/src/browser.js';
import type { EventType, PodJoinedDataV1, ProblemDocument as ProblemBody, VideoDto, VideoUploadDto } from '../../../../libs/contracts/src/browser.js';

export type { EventEnvelope, EventType, PodJoinedDataV1 };
export type {
  Account,
  BallotView,
  BallotVoteView,
  EventPage,
  FriendshipState,
  IssuedToken,
  MakeFriendsReport,
  Motion,
  PodConfigDto as PodConfig,
  PodView,
  QuitFriendsReport,
  UploadAcceptedDto as UploadAccepted,
  VideoDto as Video,
  VideoListDto as VideoList,
  VideoUploadDto as VideoUploadState,
  VoteAnswer,
} from '../../../../libs/contracts/src/browser.js';

/** An error body as the site reads it: a problem document, or whatever a proxy put there. */
export type ProblemDocument = Partial<ProblemBody>;

export type VideoOrUpload = VideoDto | VideoUploadDto;

// The sorts and origin filters of GET /api/v1/videos: the pod's own definitions.
export { ALL_ORIGINS, VIDEO_SORTS, isRelevanceSort, isVideoSort, originParam, parseOriginParam } from '../../../../libs/contracts/src/browser.js';
import type { OriginFilter, VideoSort } from '../../../../libs/contracts/src/browser.js';
export type { OriginFilter, VideoSort };

export interface VideoQuery {
  search?: string;
  origin?: OriginFilter;
  sort?: VideoSort;
}


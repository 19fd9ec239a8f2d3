import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiQuery, ApiSchema } from '@nestjs/swagger';
import { DESCRIPTION_MAX, NAME_MAX, NAME_MIN, TAG_MAX, TAG_MIN, TAGS_MAX } from '../domain/video-fields.js';
import { DEFAULT_COUNT, MAX_COUNT, MAX_START, VIDEO_SORTS } from './list-videos-query.js';
import type { VideoDto, VideoListDto, VideoMirrorDto } from '@swarmtube/contracts';

/** The OpenAPI shapes of video-dto.ts: `implements` keeps them in step with the interfaces. */

@ApiSchema({ name: 'VideoAccount' })
export class VideoAccountOpenApi {
  @ApiProperty({ description: 'The uploader, an account of the origin pod.', example: 'alice' })
  username!: string;
}

const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$';

@ApiSchema({ name: 'Video', description: 'A published video, of this pod or of any pod of the network.' })
export class VideoOpenApi implements VideoDto {
  @ApiProperty({ format: 'uuid', pattern: UUID_PATTERN })
  uuid!: string;

  @ApiProperty({ minLength: NAME_MIN, maxLength: NAME_MAX })
  name!: string;

  @ApiProperty({ maxLength: DESCRIPTION_MAX })
  description!: string;

  @ApiProperty({ type: 'array', items: { type: 'string', minLength: TAG_MIN, maxLength: TAG_MAX }, maxItems: TAGS_MAX })
  tags!: string[];

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Whole seconds.' })
  duration!: number;

  @ApiProperty({ enum: ['published'], description: 'Only published videos are listed; a local upload still processing or failed is a VideoUpload.' })
  state!: 'published';

  @ApiProperty({ description: 'host[:port] of the pod the video was uploaded to.', example: 'pod1.example:9001' })
  originHost!: string;

  @ApiProperty({ description: 'Uploaded to this pod.' })
  isLocal!: boolean;

  @ApiProperty({ description: 'BitTorrent v1 info-hash, lower-case hex.', pattern: '^[0-9a-f]{40}$' })
  infoHash!: string;

  @ApiProperty({ description: 'magnet: link with the info-hash, trackers and web seed.' })
  magnetUri!: string;

  @ApiProperty({ format: 'uri', description: '`/static/torrents/<uuid>.torrent` on the origin.' })
  torrentUrl!: string;

  @ApiProperty({ type: 'array', items: { type: 'string', format: 'uri' }, description: 'BEP 19 web seeds: `/static/web-videos/<uuid>.<ext>` on the origin.' })
  webSeedUrls!: string[];

  @ApiProperty({ format: 'uri', description: "`/static/thumbnails/<uuid>.jpg` on the origin (unreachable with it: `thumbnailUrls` has the mirrors' copies)." })
  thumbnailUrl!: string;

  @ApiProperty({ format: 'date-time', description: 'RFC 3339, UTC, milliseconds.' })
  publishedAt!: string;

  @ApiProperty({ format: 'date-time', description: 'The last change by the origin (publishedAt until then).' })
  updatedAt!: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Bytes.' })
  size!: number;

  @ApiProperty({ example: 'video/mp4' })
  mimeType!: string;

  @ApiProperty({ type: () => VideoAccountOpenApi })
  account!: VideoAccountOpenApi;

  @ApiProperty({ description: 'False for a video kept while it cannot be played (its pod expelled).' })
  available!: boolean;

  @ApiProperty({ type: () => [VideoMirrorOpenApi], description: 'Other pods that hold a whole copy and seed, track and serve it (VideoMirrored); expelled ones left out.' })
  mirrors!: VideoMirrorOpenApi[];

  @ApiProperty({ description: "False while this pod's last contact with the origin failed (its health score's latest contact); true for this pod's own videos." })
  originReachable!: boolean;

  @ApiProperty({ description: 'The origin is unreachable and reachable mirrors carry the video: shown as "served by mirrors".' })
  servedByMirrors!: boolean;

  @ApiProperty({ type: [String], description: "Every .torrent of the video (one info-hash): the origin's and its mirrors', the reachable first." })
  torrentUrls!: string[];

  @ApiProperty({ type: [String], description: "Every tracker of the video, the origin's and its mirrors', the reachable first; the magnet carries them too." })
  trackerUrls!: string[];

  @ApiProperty({
    type: 'array',
    items: { type: 'string', format: 'uri' },
    description: "Every copy of the thumbnail, the origin's and its mirrors', the reachable first (as torrentUrls); a mirror that has not fetched it yet answers 404: take the next.",
  })
  thumbnailUrls!: string[];
}

@ApiSchema({ name: 'VideoMirror' })
export class VideoMirrorOpenApi implements VideoMirrorDto {
  @ApiProperty({ description: "The mirror's host[:port]." })
  host!: string;

  @ApiProperty({ description: "The mirror's .torrent: same info-hash, its trackers and web seed added." })
  torrentUrl!: string;

  @ApiProperty({ type: [String] })
  trackers!: string[];

  @ApiProperty({ type: [String] })
  webSeedUrls!: string[];

  @ApiProperty({ format: 'uri', description: "The mirror's copy of the thumbnail: `/static/thumbnails/<uuid>.jpg` on the mirror." })
  thumbnailUrl!: string;

  @ApiProperty({ format: 'date-time' })
  mirroredAt!: string;

  @ApiProperty({ description: "False while this pod's last contact with the mirror failed." })
  reachable!: boolean;
}

@ApiSchema({ name: 'VideoList' })
export class VideoListOpenApi implements VideoListDto {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Every video that matches, across all pages.' })
  total!: number;

  @ApiProperty({ type: () => [VideoOpenApi] })
  data!: VideoOpenApi[];
}

@ApiSchema({ name: 'VideoUploadError' })
export class VideoUploadErrorOpenApi {
  @ApiProperty({ description: 'Why processing failed (a media error code such as `transcode-failed`).', example: 'transcode-failed' })
  code!: string;

  @ApiProperty({ type: 'string', nullable: true })
  message!: string | null;
}

/** jobView in get-video/get-video.handler.ts: a local upload that is not published (yet, or ever). */
@ApiSchema({ name: 'VideoUpload', description: 'A local upload still processing, or failed: what its uploader needs to follow it. Once published, the same uuid answers a Video.' })
export class VideoUploadOpenApi {
  @ApiProperty({ format: 'uuid', pattern: UUID_PATTERN })
  uuid!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  description!: string;

  @ApiProperty({ type: [String] })
  tags!: string[];

  @ApiProperty({ enum: ['processing', 'failed'] })
  state!: 'processing' | 'failed';

  @ApiProperty({ type: 'number', minimum: 0, maximum: 1, description: 'Processing progress, 0 to 1.' })
  progress!: number;

  @ApiProperty({ description: 'The processing step under way.', example: 'transcode' })
  step!: string;

  @ApiProperty({ type: () => VideoUploadErrorOpenApi, nullable: true })
  error!: VideoUploadErrorOpenApi | null;

  @ApiProperty({ description: 'This pod\'s host[:port].' })
  originHost!: string;

  @ApiProperty({ enum: [true] })
  isLocal!: true;

  @ApiProperty({ type: () => VideoAccountOpenApi })
  account!: VideoAccountOpenApi;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

/** The query string of GET /api/v1/videos (list-videos-query.ts), in this order in the document. */
export function ApiListVideosQuery(): MethodDecorator {
  return applyDecorators(
    ApiQuery({ name: 'search', required: false, type: 'string', description: 'Full-text search on name, description and tags; blank: no filter.' }),
    ApiQuery({ name: 'start', required: false, schema: { type: 'integer', minimum: 0, maximum: MAX_START, default: 0 }, description: 'Offset of the page.' }),
    ApiQuery({ name: 'count', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_COUNT, default: DEFAULT_COUNT }, description: 'Page size.' }),
    ApiQuery({ name: 'sort', required: false, schema: { type: 'string', enum: [...VIDEO_SORTS], default: '-publishedAt' }, description: '`relevance` (PeerTube: `-match`) needs a search; without one it falls back to `-publishedAt`.' }),
    ApiQuery({ name: 'origin', required: false, schema: { type: 'string', example: 'local' }, description: '`local` (uploaded to this pod), `remote` (to any other), or a pod\'s host[:port]; absent: all.' }),
  );
}

/** A video as GET /api/v1/videos and GET /api/v1/videos/:uuid show it. */
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
  torrentUrl: string;
  webSeedUrls: string[];
  thumbnailUrl: string;
  /** RFC 3339, UTC, milliseconds. */
  publishedAt: string;
  /** The last change by the origin (publishedAt until then). */
  updatedAt: string;
  /** Bytes. */
  size: number;
  mimeType: string;
  account: { username: string };
  /** False for a video kept while it cannot be played (its pod expelled): not set by any event yet. */
  available: boolean;
}

export interface VideoListDto {
  /** Every video that matches, across all pages. */
  total: number;
  data: VideoDto[];
}

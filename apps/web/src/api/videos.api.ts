import { getJson, type UploadHandle } from './http';
import { uploadVideoResumable, type ResumableOptions } from './resumable-upload';
import { originParam, type OriginFilter, type UploadAccepted, type VideoList, type VideoOrUpload, type VideoSort } from './types';

export interface ListVideosParams {
  search?: string;
  start: number;
  count: number;
  sort?: VideoSort;
  origin?: OriginFilter;
}

export function listVideos(params: ListVideosParams, signal?: AbortSignal): Promise<VideoList> {
  return getJson<VideoList>(
    '/api/v1/videos',
    {
      search: params.search?.trim() || undefined,
      start: params.start,
      count: params.count,
      sort: params.sort,
      origin: params.origin && originParam(params.origin),
    },
    signal,
  );
}

/** A published video of any pod, or the state of a local upload being processed. */
export function fetchVideo(uuid: string, signal?: AbortSignal): Promise<VideoOrUpload> {
  return getJson<VideoOrUpload>(`/api/v1/videos/${encodeURIComponent(uuid)}`, {}, signal);
}

export interface UploadFields {
  name: string;
  description: string;
  tags: string[];
}

/**
 * The video through the pod's resumable upload (resumable-upload.ts): a dropped connection is
 * resumed from the bytes the pod holds. Scripts may still use the one-request multipart
 * `POST /api/v1/videos/upload`.
 */
export function uploadVideo(
  file: File,
  fields: UploadFields,
  onProgress: (loaded: number, total: number) => void,
  options: Partial<ResumableOptions> = {},
): UploadHandle<UploadAccepted> {
  return uploadVideoResumable(file, fields, onProgress, options);
}

import { getJson, postFormWithProgress, type UploadHandle } from './http';
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

/** `POST /api/v1/videos/upload`, the fields before the file (the pod reads them first). */
export function uploadVideo(file: File, fields: UploadFields, onProgress: (loaded: number, total: number) => void): UploadHandle<UploadAccepted> {
  const form = new FormData();
  form.append('name', fields.name);
  form.append('description', fields.description);
  for (const tag of fields.tags) form.append('tags', tag);
  form.append('videofile', file, file.name);
  return postFormWithProgress<UploadAccepted>('/api/v1/videos/upload', form, onProgress);
}

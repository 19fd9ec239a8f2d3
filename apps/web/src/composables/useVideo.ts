import { onScopeDispose, ref, shallowRef, watch, type WatchSource } from 'vue';
import { ApiError, errorMessage, isAbort } from '@/api/http';
import { fetchVideo } from '@/api/videos.api';
import type { Video, VideoUploadState } from '@/api/types';

/** One video by uuid; `upload` when it is a local upload still being processed (or failed). */
export function useVideo(uuid: WatchSource<string>) {
  const video = shallowRef<Video | null>(null);
  const upload = shallowRef<VideoUploadState | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const notFound = ref(false);
  let controller: AbortController | null = null;

  async function load(id: string): Promise<void> {
    controller?.abort();
    const mine = (controller = new AbortController());
    loading.value = true;
    error.value = null;
    notFound.value = false;
    video.value = null;
    upload.value = null;
    try {
      const found = await fetchVideo(id, mine.signal);
      if (mine.signal.aborted) return;
      if (found.state === 'published') video.value = found;
      else upload.value = found;
    } catch (reason) {
      if (isAbort(reason) || mine.signal.aborted) return;
      notFound.value = reason instanceof ApiError && reason.status === 404;
      error.value = errorMessage(reason);
    } finally {
      if (controller === mine) loading.value = false;
    }
  }

  watch(uuid, (id) => void load(id), { immediate: true });
  onScopeDispose(() => controller?.abort());
  return { video, upload, loading, error, notFound };
}

import { onScopeDispose, ref, shallowRef, watch, type WatchSource } from 'vue';
import { errorMessage, isAbort } from '@/api/http';
import { listVideos } from '@/api/videos.api';
import type { Video, VideoQuery } from '@/api/types';

/**
 * A list of videos of the network, a page at a time (`GET /api/v1/videos`): the home page's
 * newest videos and the search results. `loadMore` appends the next page; a change of the
 * query (search words, origin filter, sort) starts again from the first page.
 */
export function useVideoList(query: WatchSource<VideoQuery>, pageSize = 24) {
  const videos = shallowRef<Video[]>([]);
  const total = ref<number | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const hasMore = ref(true);
  let current: AbortController | null = null;
  let params: VideoQuery = {};

  async function loadMore(): Promise<void> {
    if (current || !hasMore.value) return;
    const controller = (current = new AbortController());
    loading.value = true;
    error.value = null;
    try {
      const page = await listVideos({ ...params, start: videos.value.length, count: pageSize }, controller.signal);
      if (controller.signal.aborted) return;
      const seen = new Set(videos.value.map((v) => v.uuid));
      videos.value = [...videos.value, ...page.data.filter((v) => !seen.has(v.uuid))];
      total.value = page.total;
      hasMore.value = page.data.length === pageSize && videos.value.length < page.total;
    } catch (reason) {
      if (isAbort(reason) || controller.signal.aborted) return;
      error.value = errorMessage(reason);
    } finally {
      if (current === controller) {
        current = null;
        loading.value = false;
      }
    }
  }

  function reload(next: VideoQuery = params): Promise<void> {
    current?.abort();
    current = null;
    params = next;
    videos.value = [];
    total.value = null;
    hasMore.value = true;
    return loadMore();
  }

  watch(query, (next) => void reload({ ...next }), { immediate: true, deep: true });
  onScopeDispose(() => current?.abort());

  return { videos, total, loading, error, hasMore, loadMore, reload: () => reload() };
}

import { computed, ref, toValue, watch, type MaybeRefOrGetter } from 'vue';
import type { Video } from '@/api/types';

/**
 * A video's thumbnail that shows: the API's copies in its order (the reachable pods first, the
 * mirrors' while the origin is down), the next one when a copy fails to load (a mirror that has
 * not fetched it yet, a pod gone since the list was read), null once none is left. `failed` is
 * for an <img>'s error event; with `probe`, for a <video>'s poster (which has none), each copy is
 * tried in an Image first.
 */
export function useThumbnail(video: MaybeRefOrGetter<Video | null | undefined>, { probe = false } = {}) {
  const sources = computed(() => {
    const v = toValue(video);
    if (!v) return [];
    return v.thumbnailUrls.length > 0 ? v.thumbnailUrls : [v.thumbnailUrl];
  });
  const index = ref(0);
  const src = computed(() => sources.value[index.value] ?? null);
  const failed = () => {
    index.value += 1;
  };
  watch(
    () => sources.value.join('\n'),
    () => {
      index.value = 0;
    },
  );
  if (probe && typeof Image !== 'undefined') {
    watch(
      src,
      (url) => {
        if (!url) return;
        const image = new Image();
        image.onerror = () => {
          if (src.value === url) failed();
        };
        image.src = url;
      },
      { immediate: true },
    );
  }
  return { src, failed };
}

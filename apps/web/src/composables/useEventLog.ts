import { onScopeDispose, ref, shallowRef } from 'vue';
import { fetchEvents } from '@/api/events.api';
import type { EventEnvelope } from '@/api/types';

/**
 * The pod's event log, page by page, in log order (`GET /api/v1/events`). `loadMore`
 * continues from the `next` cursor of the last page. When a page comes back short the log
 * has been read to its end for now (`atEnd`); `loadMore` then checks for newer events.
 */
export function useEventLog(pageSize = 50) {
  const events = shallowRef<EventEnvelope[]>([]);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const atEnd = ref(false);
  const seen = new Set<string>();
  let after = 0;
  let current: AbortController | null = null;

  async function loadMore(): Promise<void> {
    if (current) return;
    const controller = (current = new AbortController());
    loading.value = true;
    error.value = null;
    try {
      const page = await fetchEvents(after, pageSize, controller.signal);
      if (controller.signal.aborted) return;
      // Re-reading from the same cursor after a short page must not list an event twice.
      const fresh = page.events.filter((event) => !seen.has(event.id));
      for (const event of fresh) seen.add(event.id);
      if (fresh.length > 0) events.value = [...events.value, ...fresh];
      after = page.next;
      atEnd.value = page.events.length < pageSize;
    } catch (reason) {
      if (controller.signal.aborted) return;
      error.value = reason instanceof Error ? reason.message : String(reason);
    } finally {
      if (current === controller) {
        current = null;
        loading.value = false;
      }
    }
  }

  /** Forget what was read and start again from the beginning of the log. */
  function reload(): Promise<void> {
    current?.abort();
    current = null;
    events.value = [];
    seen.clear();
    after = 0;
    atEnd.value = false;
    return loadMore();
  }

  onScopeDispose(() => current?.abort());

  return { events, loading, error, atEnd, loadMore, reload };
}

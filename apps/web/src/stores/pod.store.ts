import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { fetchPodConfig } from '@/api/pod.api';
import type { PodConfig } from '@/api/types';

/** The pod that serves this site: its public configuration, loaded once. */
export const usePodStore = defineStore('pod', () => {
  const config = ref<PodConfig | null>(null);
  const error = ref<string | null>(null);
  let pending: Promise<void> | null = null;

  const name = computed(() => config.value?.name ?? 'Swarmtube');

  function load(): Promise<void> {
    pending ??= fetchPodConfig()
      .then((value) => {
        config.value = value;
        error.value = null;
      })
      .catch((reason: unknown) => {
        error.value = reason instanceof Error ? reason.message : String(reason);
        pending = null; // let a later call retry
      });
    return pending;
  }

  return { config, error, name, load };
});

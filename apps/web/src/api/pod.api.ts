import { getJson } from './http';
import type { PodConfig } from './types';

export function fetchPodConfig(signal?: AbortSignal): Promise<PodConfig> {
  return getJson<PodConfig>('/api/v1/config', {}, signal);
}

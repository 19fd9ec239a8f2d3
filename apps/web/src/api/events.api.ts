import { getJson } from './http';
import type { EventPage } from './types';

export function fetchEvents(after: number, limit: number, signal?: AbortSignal): Promise<EventPage> {
  return getJson<EventPage>('/api/v1/events', { after, limit }, signal);
}

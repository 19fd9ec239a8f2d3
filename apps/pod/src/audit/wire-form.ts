import { canonicalize } from '@swarmtube/event-envelope';
import type { StoredEvent } from '@swarmtube/event-store';

/** The exact bytes that were signed and hashed, so an auditor can check them (GET /api/v1/events, `npm run admin -- export-log`). */
export function wireForm(stored: StoredEvent): string {
  return stored.body ?? canonicalize(stored.event);
}

import { canonicalize } from '../../../../libs/event-envelope/src/canonical.js';
import type { StoredEvent } from '../../../../libs/event-store/src/event-store.port.js';

/** The exact bytes that were signed and hashed, so an auditor can check them (GET /api/v1/events, `npm run admin -- export-log`). */
export function wireForm(stored: StoredEvent): string {
  return stored.body ?? canonicalize(stored.event);
}

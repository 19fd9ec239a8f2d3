// The REST shapes the site reads (DESIGN.md, "API contract"). The event envelope comes from
// the shared library, type-only, so the browser bundle gets no server code.
// TODO: move PodConfig and EventPage to libs/contracts when it publishes them.
import type { EventEnvelope } from '../../../../libs/event-envelope/src/envelope.js';

export type { EventEnvelope };

/** `GET /api/v1/config` */
export interface PodConfig {
  host: string;
  name: string;
  version: string;
  signup: boolean;
}

/** `GET /api/v1/events?after=N&limit=M`: `next` is the `after` of the following page. */
export interface EventPage {
  events: EventEnvelope[];
  next: number | null;
}

/** An `application/problem+json` body (RFC 9457) with the pod's stable `code`. */
export interface ProblemDocument {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
}

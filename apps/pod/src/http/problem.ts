import type { ProblemDocument } from '@swarmtube/contracts';

/**
 * The one table from error codes to HTTP. Every error that reaches a client carries a stable
 * `code` (RFC 9457 problem details); add a code here and nowhere else. Its keys are the
 * ProblemCode union: a code that is not here does not compile.
 */
export const HTTP_STATUS_BY_CODE = {
  'invalid-query': 400,
  'invalid-body': 400,
  'malformed-json': 400,
  'schema-invalid': 422,
  'envelope-invalid': 422,
  'unknown-event-type': 422,
  'invalid-credentials': 400,
  'too-many-activities': 400,
  'invalid-signature': 401,
  'not-a-member': 403,
  'signup-disabled': 403,
  'peer-unreachable': 502,
  unauthorized: 401,
  // ICE servers (p2p/ice-servers.http.controller.ts): TURN credentials need a live viewer session.
  'viewer-session-required': 401,
  'viewer-session-invalid': 401,
  'viewer-session-expired': 401,
  forbidden: 403,
  'not-found': 404,
  'not-acceptable': 406,
  'wrong-expected-version': 409,
  'duplicate-event-id': 409,
  'replayed-request': 409,
  'username-taken': 409,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'rate-limited': 429,
  'range-not-satisfiable': 416,
  // Uploads: the file itself is refused (ffprobe finds no playable video in it).
  'upload-aborted': 400,
  'not-origin': 403,
  'empty-file': 422,
  'not-a-video': 422,
  'truncated-media': 422,
  'media-timeout': 422,
  'insufficient-storage': 507,
  // Resumable uploads (videos/commands/upload-video-resumable): PeerTube's statuses.
  'upload-not-found': 404,
  'upload-offset-mismatch': 409,
  'invalid-content-range': 400,
  // Membership votes (pods/domain/expulsion.ts) and expelled pods.
  'invalid-host': 400,
  // A peer over plain HTTP where only HTTPS is allowed (libs/contracts/src/pod-urls.ts).
  'insecure-peer': 400,
  'unknown-pod': 404,
  'vote-on-self': 422,
  'target-not-active': 409,
  'already-expelled': 409,
  'not-expelled': 409,
  'not-in-network': 409,
  'already-voted': 409,
  'not-voted': 409,
  'pod-expelled': 403,
  'no-friendship-request': 409,
  'not-friends': 409,
  'store-corrupt': 503,
  'store-closed': 503,
  internal: 500,
} as const satisfies Readonly<Record<string, number>>;

export type ProblemCode = keyof typeof HTTP_STATUS_BY_CODE;

export function isProblemCode(code: unknown): code is ProblemCode {
  return typeof code === 'string' && Object.hasOwn(HTTP_STATUS_BY_CODE, code);
}

/** An error meant for the client: the message is safe to show. */
export class ProblemError extends Error {
  constructor(
    readonly code: ProblemCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export type { ProblemDocument };

/** The status of a code; 500 for a string that is not a ProblemCode (an error of a library, say). */
export function statusForCode(code: string): number {
  return isProblemCode(code) ? HTTP_STATUS_BY_CODE[code] : 500;
}

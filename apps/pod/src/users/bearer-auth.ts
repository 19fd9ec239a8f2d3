import type { Request, Response } from 'express';
import { ProblemError } from '../http/problem.js';
import type { LocalAccounts, Session } from './local-accounts.js';

/** Our tokens are 43 characters; anything far longer is not one, and is not worth hashing. */
const MAX_TOKEN_LENGTH = 200;
/** RFC 6750's b64token, after exactly one space. The scheme is case-insensitive (RFC 9110). */
const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i;
const CHALLENGE = 'Bearer realm="swarmtube"';

/** Where the guards leave the caller's session for @CurrentSession(). A symbol: no clash with other middleware. */
export const SESSION = Symbol('swarmtube.session');
export type AuthenticatedRequest = Request & { [SESSION]?: Session };

/** The token of `Authorization: Bearer <token>`, or null for a missing or malformed header. */
export function bearerToken(request: Request): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || header.length > MAX_TOKEN_LENGTH + 7) return null;
  return BEARER.exec(header)?.[1] ?? null;
}

/**
 * The session of the request's bearer token, also left on the request; else a 401 with the
 * RFC 6750 challenge, so OAuth clients know to log in again rather than retry.
 */
export async function authenticate(request: Request, response: Response, accounts: LocalAccounts): Promise<Session> {
  const header = request.headers.authorization;
  if (header === undefined || !/^bearer /i.test(header)) {
    response.setHeader('WWW-Authenticate', CHALLENGE);
    throw new ProblemError('unauthorized', 'this needs a login: send Authorization: Bearer <token> from POST /api/v1/users/token');
  }
  const token = bearerToken(request);
  const session = token === null ? null : await accounts.sessionFor(token);
  if (!session) {
    response.setHeader('WWW-Authenticate', `${CHALLENGE}, error="invalid_token"`);
    throw new ProblemError('unauthorized', 'the token is malformed, unknown, revoked or expired: log in again');
  }
  (request as AuthenticatedRequest)[SESSION] = session;
  return session;
}

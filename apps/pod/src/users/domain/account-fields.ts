import { ProblemError } from '../../http/problem.js';
import { ROLES, type Role } from '../local-accounts.js';

/** PeerTube's username rules, so accounts can move between the two. */
export const USERNAME_PATTERN = /^[a-z0-9._]{1,50}$/;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
const EMAIL_MAX = 254;

/**
 * The body as an object, or a 400: arrays, strings and numbers (valid JSON all) are not
 * accounts, and a missing or unparsed body (a text/plain post) arrives as undefined.
 */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ProblemError('invalid-body', 'the body must be a JSON object (or a form)', { problems: ['body: must be an object'] });
  }
  return body as Record<string, unknown>;
}

export function usernameProblems(raw: unknown): string[] {
  if (typeof raw !== 'string') return [raw === undefined ? 'username: required' : 'username: must be a string'];
  if (raw.length < 1 || raw.length > 50) return [`username: must be 1 to 50 characters (got ${raw.length})`];
  if (!USERNAME_PATTERN.test(raw)) return ['username: only lowercase letters a-z, digits, dots and underscores'];
  return [];
}

export function passwordProblems(raw: unknown): string[] {
  if (typeof raw !== 'string') return [raw === undefined ? 'password: required' : 'password: must be a string'];
  // Code points, not UTF-16 units: an emoji is one character to the person typing it.
  const length = [...raw].length;
  if (length < PASSWORD_MIN || length > PASSWORD_MAX) return [`password: must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters (got ${length})`];
  return [];
}

/** Optional, checked for shape only; see register-user.request.dto.ts for why it is not kept. */
export function emailProblems(raw: unknown): string[] {
  if (raw === undefined) return [];
  if (typeof raw !== 'string') return ['email: must be a string'];
  if (raw.length > EMAIL_MAX || !/^[^\s@]+@[^\s@]+$/.test(raw)) return ['email: must look like name@example.org'];
  return [];
}

export function roleProblems(raw: unknown): string[] {
  if (raw === undefined) return ['role: required ("admin" or "user")'];
  if (!ROLES.includes(raw as Role)) return ['role: must be "admin" or "user"'];
  return [];
}

/** Throws one 400 listing every problem, so a form can show them all at once. */
export function throwIfProblems(problems: string[]): void {
  if (problems.length > 0) throw new ProblemError('invalid-body', `the account is not valid: ${problems.join('; ')}`, { problems });
}

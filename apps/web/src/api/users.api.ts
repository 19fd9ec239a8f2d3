import { getJson, request } from './http';
import type { Account, IssuedToken } from './types';

export function issueToken(username: string, password: string): Promise<IssuedToken> {
  return request<IssuedToken>('POST', '/api/v1/users/token', { json: { username, password } });
}

export function fetchMe(signal?: AbortSignal): Promise<Account> {
  return getJson<Account>('/api/v1/users/me', {}, signal);
}

export function revokeToken(): Promise<void> {
  return request<void>('POST', '/api/v1/users/revoke-token');
}

/** 204: the account exists; log in next. */
export function register(username: string, password: string): Promise<void> {
  return request<void>('POST', '/api/v1/users/register', { json: { username, password } });
}

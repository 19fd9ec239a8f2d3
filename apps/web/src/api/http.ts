import type { ProblemDocument } from './types';

/** A failed API call: the pod's stable error `code` and the problem's `detail` when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | boolean | undefined>;

/** Where the token comes from, and what to do when the pod says it is no longer valid. */
interface AuthHooks {
  token: () => string | null;
  onUnauthorized: () => void;
}
let auth: AuthHooks = { token: () => null, onUnauthorized: () => undefined };

/** Called once by the session store. */
export function configureAuth(hooks: AuthHooks): void {
  auth = hooks;
}

/** The session's token and 401 handler, for requests made outside `request` (the resumable upload's). */
export function authHooks(): AuthHooks {
  return auth;
}

export function apiUrl(path: string, query: Query = {}): URL {
  const url = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
  }
  return url;
}

export interface RequestOptions {
  query?: Query;
  /** Sent as JSON. */
  json?: unknown;
  signal?: AbortSignal;
}

/** Any call to the pod that serves this site, with the session's bearer token when there is one. */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = auth.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.json !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method,
      headers,
      body: options.json === undefined ? undefined : JSON.stringify(options.json),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network', `The pod could not be reached (${String(error)})`);
  }
  if (!response.ok) {
    const error = await toApiError(response);
    if (error.status === 401 && token) auth.onUnauthorized();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** GET a JSON document from the pod that serves this site. */
export function getJson<T>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T> {
  return request<T>('GET', path, { query, signal });
}

export async function toApiError(response: Response): Promise<ApiError> {
  let problem: ProblemDocument = {};
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    problem = (await response.json().catch(() => ({}))) as ProblemDocument;
  }
  return problemToError(response.status, response.statusText, problem);
}

export function problemToError(status: number, statusText: string, problem: ProblemDocument): ApiError {
  const message = problem.detail || problem.title || `${status} ${statusText}`.trim();
  return new ApiError(status, problem.code ?? 'http-' + status, message);
}

/** Something to show a user: the problem's detail for API errors. */
export function errorMessage(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return String(reason);
}

export function isAbort(reason: unknown): boolean {
  return reason instanceof DOMException && reason.name === 'AbortError';
}

export interface UploadHandle<T> {
  done: Promise<T>;
  abort(): void;
}

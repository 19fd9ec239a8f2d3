import type { ProblemDocument } from './types';

/** A failed API call: the pod's stable error `code` when it sent problem details. */
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

type Query = Record<string, string | number | boolean | undefined>;

/** GET a JSON document from the pod that serves this site. */
export async function getJson<T>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T> {
  const url = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  let response: Response;
  try {
    response = await fetch(url, { headers: { Accept: 'application/json' }, signal });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network', `The pod could not be reached (${String(error)})`);
  }
  if (!response.ok) throw await toApiError(response);
  return (await response.json()) as T;
}

async function toApiError(response: Response): Promise<ApiError> {
  let problem: ProblemDocument = {};
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    problem = (await response.json().catch(() => ({}))) as ProblemDocument;
  }
  const message = problem.detail || problem.title || `${response.status} ${response.statusText}`;
  return new ApiError(response.status, problem.code ?? 'http-' + response.status, message);
}

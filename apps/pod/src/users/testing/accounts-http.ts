import assert from 'node:assert/strict';
import type { TestPod } from '../../testing/test-pod.js';

/** What a client sees: status, headers and the parsed body (problem documents included). */
export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown> | null;
}

export interface RequestOptions {
  token?: string;
  /** A raw Authorization header, for hostile ones. */
  authorization?: string;
  /** Sent as is with this content type, instead of JSON. */
  raw?: { body: string; type: string };
}

/** Plain HTTP against a test pod, the way a client would call it. */
export function accountsClient(pod: TestPod) {
  async function call(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.authorization !== undefined) headers.authorization = options.authorization;
    let payload: string | undefined;
    if (options.raw) {
      headers['content-type'] = options.raw.type;
      payload = options.raw.body;
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const response = await fetch(`${pod.baseUrl}${path}`, { method, headers, body: payload });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
  }
  return {
    call,
    register: (body: unknown, options?: RequestOptions) => call('POST', '/api/v1/users/register', body, options),
    /** A fresh token for these credentials (asserts the login works). */
    async login(username: string, password: string): Promise<string> {
      const answer = await call('POST', '/api/v1/users/token', { username, password });
      assert.equal(answer.status, 200, `login of ${username}: ${JSON.stringify(answer.body)}`);
      return answer.body!.access_token as string;
    },
    me: (token: string) => call('GET', '/api/v1/users/me', undefined, { token }),
  };
}

/** Every account and token row, to show that a refused request changed nothing. */
export async function accountsSnapshot(pod: TestPod): Promise<unknown> {
  const db = pod.store.readModels;
  return {
    accounts: await db.query('SELECT username, role, password_salt, password_hash, created_at FROM local_accounts ORDER BY username'),
    tokens: await db.query('SELECT token_hash, username, expires_at FROM local_tokens ORDER BY token_hash'),
  };
}

export function assertProblem(answer: Answer, status: number, code: string): void {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  assert.equal(answer.headers.get('content-type')?.split(';')[0], 'application/problem+json');
  assert.equal(answer.body?.code, code);
}

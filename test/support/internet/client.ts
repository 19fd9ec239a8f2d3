import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { NetnsRun } from './netns.js';

/**
 * HTTP(S) from inside a namespace, with curl: the test's API calls go from the client host
 * of the small internet, over the network and through nginx, as a user's would. TLS is
 * verified against the test's CA (no --insecure anywhere).
 */
export interface NsResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The address curl connected to. */
  remoteIp: string;
  json<T>(): T;
}

export interface RequestOptions {
  method?: string;
  json?: unknown;
  token?: string;
  headers?: Record<string, string>;
  /** multipart/form-data: fields, and files as `@path;type=…` values. */
  form?: Array<[string, string]>;
  /** Follow no redirect (the default); true to follow. */
  follow?: boolean;
  timeoutSeconds?: number;
  /** Resolve the URL's host to this address (curl --resolve), bypassing the hosts file. */
  resolve?: string;
}

let counter = 0;

export class NsClient {
  constructor(private readonly run: NetnsRun, readonly ns: string, private readonly caPath: string) {}

  async request(url: string, options: RequestOptions = {}): Promise<NsResponse> {
    const id = counter++;
    const bodyFile = join(this.run.work, `curl-${id}.body`);
    const headerFile = join(this.run.work, `curl-${id}.headers`);
    const args = ['-sS', '--cacert', this.caPath, '--max-time', String(options.timeoutSeconds ?? 60), '-o', bodyFile, '-D', headerFile, '-w', '%{http_code} %{remote_ip}'];
    if (options.method) args.push('-X', options.method);
    if (options.follow) args.push('-L');
    if (options.token) args.push('-H', `authorization: Bearer ${options.token}`);
    for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}: ${value}`);
    if (options.resolve) {
      const { hostname, port, protocol } = new URL(url);
      args.push('--resolve', `${hostname}:${port || (protocol === 'https:' ? 443 : 80)}:${options.resolve}`);
    }
    let input: string | undefined;
    if (options.json !== undefined) {
      args.push('-H', 'content-type: application/json', '--data-binary', '@-');
      input = JSON.stringify(options.json);
    }
    for (const [name, value] of options.form ?? []) args.push('-F', `${name}=${value}`);
    args.push(url);
    try {
      const result = await this.run.exec(this.ns, 'curl', args, { input, timeoutMs: ((options.timeoutSeconds ?? 60) + 10) * 1000, allowFailure: true });
      if (result.code !== 0) throw new Error(`curl ${url} failed (${result.code}): ${result.stderr.trim()}`);
      const [status, remoteIp] = result.stdout.trim().split(' ');
      const rawHeaders = readFileSync(headerFile, 'utf8');
      // The last header block (after a 100 Continue or a redirect).
      const block = rawHeaders.trim().split(/\r?\n\r?\n/).pop() ?? '';
      const headers: Record<string, string> = {};
      for (const line of block.split(/\r?\n/).slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const body = readFileSync(bodyFile, 'utf8');
      return { status: Number(status), headers, body, remoteIp, json: <T>() => JSON.parse(body) as T };
    } finally {
      rmSync(bodyFile, { force: true });
      rmSync(headerFile, { force: true });
    }
  }

  /** A request that must answer `status`; its JSON. */
  async expect<T>(status: number, url: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.request(url, options);
    if (response.status !== status) throw new Error(`${options.method ?? 'GET'} ${url}: ${response.status}, expected ${status}: ${response.body.slice(0, 2000)}`);
    return response.json<T>();
  }
}

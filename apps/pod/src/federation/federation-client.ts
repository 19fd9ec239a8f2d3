import type { KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import * as tls from 'node:tls';
import { Agent, fetch, type Response } from 'undici';
import { signRequest } from '@swarmtube/http-signatures';
import { MAX_PULL_ANSWER_BYTES } from '@swarmtube/contracts';
import { assertPeerScheme } from '@swarmtube/contracts';
import { assertPublicLiteral, publicOnlyLookup } from './address-policy.js';

/**
 * What went wrong with a request to a peer: `too-large` is an answer over what we read (the
 * caller asks for less), every other kind a peer that failed (the caller backs off).
 */
export type PeerFailureKind = 'network' | 'timeout' | 'redirect' | 'status' | 'too-large' | 'not-json' | 'address-refused';

export class FederationRequestError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    /** The `code` of a problem+json answer, e.g. `pod-expelled`. */
    readonly code?: string,
    readonly kind: PeerFailureKind = status === undefined ? 'network' : 'status',
  ) {
    super(message);
  }
}

/** Per request: a shorter time limit, or a smaller answer, than the defaults. */
export interface RequestLimits {
  timeoutMs?: number;
  maxResponseBytes?: number;
}

function problemCode(text: string): string | undefined {
  try {
    const code = (JSON.parse(text) as { code?: unknown } | null)?.code;
    return typeof code === 'string' ? code.slice(0, 100) : undefined;
  } catch {
    return undefined;
  }
}

const TIMEOUT_MS = 10_000;
/** What we read of a peer's answer at most: a peer cannot make us buffer gigabytes. */
const MAX_RESPONSE_BYTES = MAX_PULL_ANSWER_BYTES;

const SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

function pemCertificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/**
 * The certificate authorities a pod trusts for its peers: Node's own (Mozilla's), the
 * system's (Debian's bundle, where an admin's `update-ca-certificates` puts a private CA), and
 * the file NODE_EXTRA_CA_CERTS names. Node adds that file to its default store only as long as
 * no `ca` is given; a client that passes its own list must add it itself, which this does.
 */
export function trustedCertificateAuthorities(env: NodeJS.ProcessEnv = process.env): string[] {
  const getCACertificates = (tls as { getCACertificates?: (type: 'system') => string[] }).getCACertificates;
  const system = getCACertificates ? getCACertificates('system') : existsSync(SYSTEM_CA_BUNDLE) ? pemCertificates(readFileSync(SYSTEM_CA_BUNDLE, 'utf8')) : [];
  let extra: string[] = [];
  if (env.NODE_EXTRA_CA_CERTS) {
    try {
      extra = pemCertificates(readFileSync(env.NODE_EXTRA_CA_CERTS, 'utf8'));
    } catch (error) {
      // As Node does: a warning, not a refusal to start.
      process.emitWarning(`NODE_EXTRA_CA_CERTS: ${(error as Error).message}`);
    }
  }
  return [...new Set([...rootCertificates, ...system, ...extra])];
}

/**
 * Outgoing pod-to-pod HTTP: every request signed (rsa-sha256, Mastodon-compatible), bounded in
 * time and size, no redirects, and (unless allowPrivateAddresses) never to a private address
 * (address-policy.ts). undici's own fetch, for its dispatcher: the connection pool decides the
 * address policy at connect time. HTTPS peers' certificates are verified against
 * trustedCertificateAuthorities() (one secure context, built once): a bad certificate is a
 * failed request like any other (health counts it), never a retry over plain HTTP, and plain
 * HTTP is refused but to loopback in demo mode (pod-urls.ts, assertPeerScheme).
 */
export class FederationClient {
  signatures = 0;
  private readonly dispatcher: Agent;

  constructor(
    private readonly keyId: string,
    private readonly privateKey: KeyObject,
    private readonly options: { allowPrivateAddresses: boolean; env?: NodeJS.ProcessEnv },
  ) {
    const secureContext: SecureContext = createSecureContext({ ca: trustedCertificateAuthorities(options.env) });
    this.dispatcher = new Agent({
      connect: { secureContext, rejectUnauthorized: true, ...(options.allowPrivateAddresses ? {} : { lookup: publicOnlyLookup }) },
    });
  }

  /** Closes the connection pool. */
  close(): Promise<void> {
    return this.dispatcher.close();
  }

  async getJson<T = unknown>(url: string, accept = 'application/activity+json', limits: RequestLimits = {}): Promise<T> {
    return this.request<T>('GET', url, undefined, accept, limits);
  }

  /**
   * A file of a peer (a mirror's copy of a thumbnail): the same limits as every request, the
   * answer's bytes and its content type, a failed status thrown. The caller checks what it got.
   */
  async getBytes(url: string, accept: string, limits: RequestLimits = {}): Promise<{ bytes: Buffer; contentType: string }> {
    const { response, bytes } = await this.exchange('GET', url, undefined, accept, limits);
    if (!response.ok) throw new FederationRequestError(`GET ${url}: ${response.status}`, response.status);
    return { bytes, contentType: response.headers.get('content-type') ?? '' };
  }

  async postJson<T = unknown>(url: string, body: unknown): Promise<T> {
    return this.postEncoded<T>(url, JSON.stringify(body));
  }

  /** A body already encoded as JSON (a delivery batch cut by its size). */
  async postEncoded<T = unknown>(url: string, json: string): Promise<T> {
    return this.request<T>('POST', url, json, 'application/activity+json, application/json', {});
  }

  private async request<T>(method: string, url: string, body: string | undefined, accept: string, limits: RequestLimits): Promise<T> {
    const { response, bytes } = await this.exchange(method, url, body, accept, limits);
    const text = bytes.toString('utf8');
    if (!response.ok) throw new FederationRequestError(`${method} ${url}: ${response.status} ${text.slice(0, 300)}`, response.status, problemCode(text));
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new FederationRequestError(`${method} ${url}: the answer is not JSON`, response.status, undefined, 'not-json');
    }
  }

  /** One signed request under the address policy, its answer read up to the size limit. */
  private async exchange(method: string, url: string, body: string | undefined, accept: string, limits: RequestLimits): Promise<{ response: Response; bytes: Buffer }> {
    try {
      // Never plain HTTP but to loopback in demo mode, whoever named the URL (a keyId, a seed's list).
      assertPeerScheme(url, { allowPlainHttpLoopback: this.options.allowPrivateAddresses });
      if (!this.options.allowPrivateAddresses) assertPublicLiteral(new URL(url));
    } catch (error) {
      throw new FederationRequestError(`${method} ${url.slice(0, 300)}: ${(error as Error).message}`, undefined, undefined, 'address-refused');
    }
    const signature = signRequest({ method, url, body, keyId: this.keyId, privateKey: this.privateKey });
    this.signatures += 1;
    const headers: Record<string, string> = { accept, date: signature.Date, host: signature.Host, signature: signature.Signature };
    if (signature.Digest) headers.digest = signature.Digest;
    if (body !== undefined) headers['content-type'] = 'application/activity+json';
    const signal = AbortSignal.timeout(Math.max(1, Math.min(TIMEOUT_MS, limits.timeoutMs ?? TIMEOUT_MS)));
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body, signal, redirect: 'error', dispatcher: this.dispatcher });
    } catch (error) {
      throw fetchFailure(`${method} ${url}`, error);
    }
    try {
      return { response, bytes: await readBounded(response, Math.min(MAX_RESPONSE_BYTES, limits.maxResponseBytes ?? MAX_RESPONSE_BYTES)) };
    } catch (error) {
      if (error instanceof FederationRequestError) throw new FederationRequestError(`${method} ${url}: ${error.message}`, error.status, undefined, error.kind);
      throw fetchFailure(`${method} ${url}`, error);
    }
  }
}

/** fetch says "fetch failed" (or aborts); why (refused, redirect, timeout) is in the error or its cause. */
function fetchFailure(request: string, error: unknown): FederationRequestError {
  const cause = (error as { cause?: { message?: string; name?: string } }).cause;
  const message = `${request}: ${(error as Error).message}${cause?.message ? `: ${cause.message}` : ''}`;
  const timedOut = (error as Error).name === 'TimeoutError' || cause?.name === 'TimeoutError';
  const kind = timedOut ? 'timeout' : /redirect/i.test(message) ? 'redirect' : 'network';
  return new FederationRequestError(timedOut ? `${request}: no answer in time` : message, undefined, undefined, kind);
}

async function readBounded(response: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new FederationRequestError(`answer too large (${declared} bytes, at most ${maxBytes} read)`, response.status, undefined, 'too-large');
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of (response.body ?? []) as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > maxBytes) throw new FederationRequestError(`answer too large (over ${maxBytes} bytes)`, response.status, undefined, 'too-large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

import { sign, type KeyObject } from 'node:crypto';
import { carriesBody } from './body.js';
import { digestHeaderValue } from './digest.js';
import { isQuotable } from './signature-params.js';
import { requestTarget, signingString } from './signing-string.js';

export interface SignRequestInput {
  readonly method: string;
  /** Absolute URL: its host is signed and `(request-target)` is its path and query. */
  readonly url: string | URL;
  /** The request's other headers; only a `host` among them is used (a virtual host). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  readonly keyId: string;
  /** An RSA private key loaded once at start-up. */
  readonly privateKey: KeyObject;
  readonly now?: Date;
}

/** Headers to set on the outgoing request; they replace any of the same name. */
export interface SignatureHeaders {
  readonly Date: string;
  readonly Host: string;
  readonly Digest?: string;
  readonly Signature: string;
}

/**
 * Signs `(request-target) host date` plus `digest` when the request carries a body: what
 * Mastodon sends and what Mastodon, PeerTube and Fedify require. Throws TypeError only on
 * programming errors (relative URL, non-RSA key, a keyId that cannot be quoted).
 */
export function signRequest(input: SignRequestInput): SignatureHeaders {
  const { privateKey } = input;
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'rsa') throw new TypeError('signRequest needs an RSA private KeyObject');
  if (!isQuotable(input.keyId) || input.keyId === '') throw new TypeError('keyId must be a non-empty string without quotes, backslashes or control characters');
  const url = new URL(input.url);
  const hostOverride = Object.entries(input.headers ?? {}).find(([name]) => name.toLowerCase() === 'host')?.[1];
  const host = hostOverride ?? url.host;
  const date = (input.now ?? new Date()).toUTCString();
  const body = typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : input.body;

  const lines: Array<[string, string]> = [
    ['(request-target)', requestTarget(input.method, url.pathname + url.search)],
    ['host', host],
    ['date', date],
  ];
  let digest: string | undefined;
  if (carriesBody(input.method, body)) {
    digest = digestHeaderValue(body ?? new Uint8Array(0));
    lines.push(['digest', digest]);
  }
  const signature = sign('sha256', Buffer.from(signingString(lines), 'utf8'), privateKey).toString('base64');
  const names = lines.map(([name]) => name).join(' ');
  const header = `keyId="${input.keyId}",algorithm="rsa-sha256",headers="${names}",signature="${signature}"`;
  return digest === undefined ? { Date: date, Host: host, Signature: header } : { Date: date, Host: host, Digest: digest, Signature: header };
}

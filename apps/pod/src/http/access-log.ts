import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
import { requestScope, type PodLog } from '../logger/pod-log.js';
import type { ClientAddresses } from './client-address.js';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * An incoming X-Request-Id (a proxy's `$request_id`, a client's trace id) is kept when it is a
 * short token that cannot forge a log line or a header; anything else gets a UUID.
 */
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Query parameters whose values are never logged (tokens in URLs, signed links). */
const SECRET_QUERY_KEY = /token|passw|secret|signature|credential|auth|session|key|code/i;
/** Probes and scrapes: at debug while they succeed, so that a pod at `info` logs what people do. */
const PROBES = new Set(['/livez', '/readyz', '/metrics']);
const MAX_LOGGED_URL = 1000;

const clientOf = Symbol('client');
const bytesAtStart = Symbol('bytesAtStart');
type Tracked = ServerResponse & { [clientOf]?: string; [bytesAtStart]?: number };
type ExpressRequest = IncomingMessage & { originalUrl?: string; route?: { path?: unknown } };

export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  const value = Array.isArray(given) ? given[0] : given;
  return value !== undefined && SANE_REQUEST_ID.test(value) ? value : randomUUID();
}

/** The URL as logged: the path, and the query with the values of secret-looking keys replaced. */
export function loggedUrl(raw: string): string {
  const mark = raw.indexOf('?');
  if (mark < 0) return raw.slice(0, MAX_LOGGED_URL);
  const query = raw
    .slice(mark + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      let name = key;
      try {
        name = decodeURIComponent(key.replace(/\+/g, ' '));
      } catch {
        // A malformed escape: judged as written.
      }
      return eq >= 0 && SECRET_QUERY_KEY.test(name) ? `${key}=[Redacted]` : pair;
    })
    .join('&');
  return `${raw.slice(0, mark)}?${query}`.slice(0, MAX_LOGGED_URL);
}

/**
 * The access log: one line per HTTP request when its answer is sent (or its connection
 * closes first, `aborted`), with the request id that the answer's X-Request-Id header and its
 * problem+json `requestId` carry. The client address is ClientAddresses' (X-Forwarded-For
 * believed only from the trusted proxies, as everywhere else in the pod). No header is logged:
 * a line cannot hold a token, a cookie or a signature.
 */
export function accessLog(log: PodLog, addresses: ClientAddresses) {
  const logger = pinoHttp<ExpressRequest, Tracked>({
    logger: log.pino.child({ context: 'access' }),
    genReqId: (req, res) => {
      const id = requestIdOf(req);
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
    customLogLevel: (req, res, error) => {
      if (error || res.statusCode >= 500) return 'error';
      if (res.statusCode < 400 && PROBES.has((req.originalUrl ?? req.url ?? '').split('?')[0])) return 'debug';
      return 'info';
    },
    customSuccessObject: (req, res, value: { durationMs: number }) => line(req, res, value.durationMs),
    customErrorObject: (req, res, _error, value: { durationMs: number }) => line(req, res, value.durationMs),
    customSuccessMessage: (req, res) => `${req.method} ${loggedUrl(req.originalUrl ?? req.url ?? '')} ${res.writableFinished ? res.statusCode : 'aborted'}`,
    customErrorMessage: (req, res) => `${req.method} ${loggedUrl(req.originalUrl ?? req.url ?? '')} ${res.writableFinished ? res.statusCode : 'aborted'}`,
  });
  return (req: ExpressRequest, res: Tracked, next: () => void): void => {
    // At the start: once the connection is gone, its address is too.
    res[clientOf] = addresses.of(req);
    res[bytesAtStart] = req.socket.bytesWritten;
    logger(req, res, () => requestScope.run({ requestId: String(req.id) }, next));
  };

  function line(req: ExpressRequest, res: Tracked, durationMs: number): Record<string, unknown> {
    const route = typeof req.route?.path === 'string' ? req.route.path : undefined;
    return {
      method: req.method,
      url: loggedUrl(req.originalUrl ?? req.url ?? ''),
      ...(route ? { route } : {}),
      status: res.statusCode,
      ...(res.writableFinished ? {} : { aborted: true }),
      durationMs,
      // A response whose connection was closed after it (a refused upload's `Connection: close`) has no socket any more.
      bytes: Math.max(0, ((req.socket as typeof req.socket | null)?.bytesWritten ?? res[bytesAtStart] ?? 0) - (res[bytesAtStart] ?? 0)),
      client: res[clientOf],
    };
  }
}

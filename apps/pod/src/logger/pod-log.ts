import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import pinoPretty from 'pino-pretty';
import type { LogFields, PodLogger } from './pod-logger.js';

/** pino's levels, from the config's `log.level` (`silent`: nothing). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface PodLogSettings {
  level: LogLevelName;
  format: LogFormat;
}

export const REDACTED = '[Redacted]';

/**
 * The HTTP request being served (the access log middleware enters it): every line written
 * while serving it, a vote cast, an inbox's receipt, a 5xx, carries its `requestId`.
 */
export const requestScope = new AsyncLocalStorage<{ requestId: string }>();

/**
 * Field names whose values never reach a line, at the top of a line's fields or one level
 * down (`{ req: { headers: { authorization } } }` two): the pod's own lines name no secret,
 * this catches a field passed on by mistake.
 */
const SECRET_KEYS = [
  'password',
  'newPassword',
  'token',
  'access_token',
  'accessToken',
  'refresh_token',
  'authorization',
  'cookie',
  'set-cookie',
  'signature',
  'secret',
  'turnSecret',
  'credential',
  'credentials',
  'privateKey',
];
const REDACT_PATHS = SECRET_KEYS.flatMap((key) => {
  const at = /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `["${key}"]`;
  return [at.slice(at.startsWith('.') ? 1 : 0), `*${at}`, `*.headers${at}`, `headers${at}`];
});

/**
 * The one logger of a pod: pino, its level from `log.level`; `json` writes one JSON object a
 * line (journald, log shippers), `pretty` readable lines (the demo). Pretty lines are made in
 * this thread by pino-pretty's formatter, not a transport's worker: a line written just before
 * the process exits is not lost. Tests give a `destination` (a sink they read).
 */
export class PodLog implements PodLogger {
  private constructor(readonly pino: Logger) {}

  static open(settings: PodLogSettings, options: { destination?: DestinationStream; pod?: string } = {}): PodLog {
    const out = options.destination ?? pino.destination({ dest: 1, sync: true });
    const pinoOptions: LoggerOptions = {
      level: settings.level,
      base: { pid: process.pid, ...(options.pod ? { pod: options.pod } : {}) },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      mixin: (_fields, _level, logger) => {
        const scope = requestScope.getStore();
        // The access line's logger has the id bound already: a key twice is not valid JSON for every reader.
        return scope && !('requestId' in logger.bindings()) ? { requestId: scope.requestId } : {};
      },
    };
    if (settings.format === 'json') {
      // "level":"warn", not 30-40-50: what an operator reads and greps for.
      pinoOptions.formatters = { level: (label) => ({ level: label }) };
      return new PodLog(pino(pinoOptions, out));
    }
    const prettify = pinoPretty.prettyFactory({
      colorize: options.destination === undefined && process.stdout.isTTY === true,
      translateTime: 'SYS:HH:MM:ss.l',
      // An access line's method, URL and status are its message already.
      ignore: 'pid,hostname,pod,context,method,url,route,status',
      messageFormat: '{if context}[{context}] {end}{msg}',
      singleLine: true,
    });
    return new PodLog(pino(pinoOptions, { write: (line: string) => out.write(prettify(line)) }));
  }

  /** A logger that writes nothing (tools, and test pods that do not read their log). */
  static silent(): PodLog {
    return new PodLog(pino({ level: 'silent' }));
  }

  debug(message: string, fields?: LogFields): void {
    this.pino.debug(fields ?? {}, message);
  }

  log(message: string, fields?: LogFields): void {
    this.pino.info(fields ?? {}, message);
  }

  warn(message: string, fields?: LogFields): void {
    this.pino.warn(fields ?? {}, message);
  }

  error(message: string, fields?: LogFields): void {
    this.pino.error(fields ?? {}, message);
  }

  child(fields: LogFields): PodLog {
    return new PodLog(this.pino.child(fields));
  }
}

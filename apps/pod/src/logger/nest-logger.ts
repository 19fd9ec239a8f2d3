import type { LoggerService } from '@nestjs/common';
import type { PodLog } from './pod-log.js';

type Level = 'trace' | 'debug' | 'warn' | 'error' | 'fatal';

/**
 * Nest's own lines (module init, route mapping, its exception handler) through the pod's
 * logger, with Nest's context as `context`. Nest's `log` is start-up chatter ("Mapped {/api/v1/…}
 * route"): debug here, so a pod at `info` starts with its own lines only.
 */
export class NestPodLogger implements LoggerService {
  constructor(private readonly pod: PodLog) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  /** Nest calls error(message, stack?, context?). */
  error(message: unknown, ...rest: unknown[]): void {
    const stack = rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
    this.write('error', message, rest, stack);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: Level, message: unknown, rest: unknown[], stack?: string): void {
    const context = typeof rest.at(-1) === 'string' ? (rest.at(-1) as string) : 'nest';
    const fields: Record<string, unknown> = { context, ...(stack ? { stack } : {}) };
    if (message instanceof Error) this.pod.pino[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.pod.pino[level]({ ...fields, value: message }, 'nest');
    else this.pod.pino[level](fields, String(message));
  }
}

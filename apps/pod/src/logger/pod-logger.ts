/** Fields a log line carries beside its message: `{ peer, eventIds, outcome }`… (JSON in production). */
export type LogFields = Record<string, unknown>;

/**
 * Where the pod's own services write: one pino logger for the whole pod (PodLog), its lines
 * JSON in production and readable in the demo. `log` is pino's `info`. A child carries its
 * fields on every line (`logger.child({ context: 'federation' })`).
 */
export interface PodLogger {
  debug(message: string, fields?: LogFields): void;
  log(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): PodLogger;
}

/** The PodLogger provider's token (LoggerModule). */
export const POD_LOGGER = Symbol('PodLogger');

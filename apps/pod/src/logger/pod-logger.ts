/** Where the pod's own services write: console in production, a quiet one in tests. */
export interface PodLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The PodLogger provider's token (LoggerModule). */
export const POD_LOGGER = Symbol('PodLogger');

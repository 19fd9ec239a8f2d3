import { Query } from '@nestjs/cqrs';

/** One check of /readyz: `up`, or `down` with what is wrong. */
export interface CheckResult {
  status: 'up' | 'down';
  [detail: string]: unknown;
}

/**
 * Readiness in @nestjs/terminus's shape (`status`, `info`: the checks up, `error`: the checks
 * down, `details`: all), so tools that read terminus bodies read ours.
 */
export interface Readiness {
  status: 'ok' | 'error';
  info: Record<string, CheckResult>;
  error: Record<string, CheckResult>;
  details: Record<string, CheckResult>;
}

/** Is the pod ready to serve: store reachable, read models caught up within a bound, tracker and seeder up. */
export class GetReadinessQuery extends Query<Readiness> {}

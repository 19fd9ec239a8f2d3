import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { OpenedEventStore } from '@swarmtube/event-store';
import { POD_CONFIG } from '../../../config/config.tokens.js';
import type { PodConfig } from '../../../config/pod-config.js';
import { EVENT_STORE } from '../../../event-log/event-log.tokens.js';
import { ProjectionRunner } from '../../../projections/projection-runner.js';
import { ServingState } from '../../serving-state.js';
import { GetReadinessQuery, type CheckResult, type Readiness } from './get-readiness.query.js';

/** A store that does not answer within this is down for a probe (probes come every few seconds). */
const STORE_TIMEOUT_MS = 2000;

@QueryHandler(GetReadinessQuery)
export class GetReadinessHandler implements IQueryHandler<GetReadinessQuery, Readiness> {
  constructor(
    @Inject(POD_CONFIG) private readonly config: PodConfig,
    @Inject(EVENT_STORE) private readonly store: OpenedEventStore,
    private readonly projections: ProjectionRunner,
    private readonly state: ServingState,
  ) {}

  async execute(): Promise<Readiness> {
    const details: Record<string, CheckResult> = {};
    let head: number | undefined;
    try {
      head = await withTimeout(this.store.headPosition(), STORE_TIMEOUT_MS);
      details.store = { status: 'up', head };
    } catch (error) {
      details.store = { status: 'down', message: `the event store does not answer: ${(error as Error).message}` };
    }
    details.readModels = this.readModels(head);
    details.tracker = this.state.trackerListening ? { status: 'up' } : { status: 'down', message: 'the tracker is not listening yet' };
    details.seeder = this.state.seederStarted ? { status: 'up' } : { status: 'down', message: 'the seeder has not started yet' };
    if (this.state.stopping) details.lifecycle = { status: 'down', message: 'the pod is stopping' };
    const info: Record<string, CheckResult> = {};
    const error: Record<string, CheckResult> = {};
    for (const [name, result] of Object.entries(details)) (result.status === 'up' ? info : error)[name] = result;
    return { status: Object.keys(error).length === 0 ? 'ok' : 'error', info, error, details };
  }

  private readModels(head: number | undefined): CheckResult {
    const maxLag = this.config.readiness.maxLagEvents;
    const statuses = this.projections.status();
    const rebuilding = this.projections.rebuilding();
    const lag = head === undefined ? undefined : Math.max(0, ...statuses.map((s) => head - s.checkpoint));
    const behind = lag === undefined ? [] : statuses.filter((s) => head! - s.checkpoint > maxLag).map((s) => s.name);
    const detail = { lag, maxLag, ...(rebuilding.length > 0 ? { rebuilding } : {}), ...(behind.length > 0 ? { behind } : {}) };
    if (rebuilding.length > 0) return { status: 'down', ...detail, message: `read models rebuilding from the start of the log: ${rebuilding.join(', ')}` };
    if (behind.length > 0) return { status: 'down', ...detail, message: `read models more than ${maxLag} events behind the log: ${behind.join(', ')}` };
    // Caught up once at start: the videos (tracker registry, interrupted jobs) opened on them.
    if (!this.state.caughtUp) return { status: 'down', ...detail, message: 'read models catching up with the log at start' };
    return { status: 'up', ...detail };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

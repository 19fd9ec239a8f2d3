import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { ProjectionFailed } from '../projections/projection-failed.event.js';
import { PodMetrics } from './pod-metrics.js';

/** swarmtube_projection_failures_total counts the events a projection parked. */
@EventsHandler(ProjectionFailed)
export class CountProjectionFailuresHandler implements IEventHandler<ProjectionFailed> {
  constructor(private readonly metrics: PodMetrics) {}

  handle({ projection }: ProjectionFailed): void {
    this.metrics.projectionFailures.inc({ projection });
  }
}

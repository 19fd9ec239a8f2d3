import { Module } from '@nestjs/common';
import { EventLogModule } from '../event-log/event-log.module.js';
import { ProjectionsModule } from '../projections/projections.module.js';
import { LivenessHttpController } from './queries/get-liveness/get-liveness.http.controller.js';
import { GetReadinessHandler } from './queries/get-readiness/get-readiness.handler.js';
import { ReadinessHttpController } from './queries/get-readiness/get-readiness.http.controller.js';
import { ServingState } from './serving-state.js';

/** `/livez` and `/readyz` (docs/operations.md). PodLifecycle keeps ServingState. */
@Module({
  imports: [EventLogModule, ProjectionsModule],
  controllers: [LivenessHttpController, ReadinessHttpController],
  providers: [ServingState, GetReadinessHandler],
  exports: [ServingState],
})
export class HealthModule {}

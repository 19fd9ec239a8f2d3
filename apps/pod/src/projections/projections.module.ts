import { Module } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import type { OpenedEventStore } from '@swarmtube/event-store';
import { EVENT_STORE } from '../event-log/event-log.tokens.js';
import { EventLogModule } from '../event-log/event-log.module.js';
import { POD_LOGGER, type PodLogger } from '../logger/pod-logger.js';
import { allProjections } from './all-projections.js';
import { ProjectionFailed } from './projection-failed.event.js';
import { ProjectionRunner } from './projection-runner.js';

/**
 * The read models: one runner keeps every projection (all-projections.ts) current with the
 * log. It is started by PodLifecycle, after the pod has announced itself, before serving.
 */
@Module({
  imports: [EventLogModule],
  providers: [
    {
      provide: ProjectionRunner,
      inject: [EVENT_STORE, EventBus, POD_LOGGER],
      useFactory: (store: OpenedEventStore, events: EventBus, logger: PodLogger) =>
        new ProjectionRunner(store, store.readModels, allProjections(store.dialect), {
          onFailure: (projection, event, error) => {
            events.publish(new ProjectionFailed(projection, event, error));
            logger.error(`projection ${projection} parked event ${event.position} (${event.event.type} ${event.event.id}): ${String(error)}`, { projection, position: event.position, eventId: event.event.id, eventType: event.event.type, origin: event.event.origin, seq: event.event.originSeq });
          },
        }),
    },
  ],
  exports: [ProjectionRunner],
})
export class ProjectionsModule {}

import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { DeliveryAttempted } from '../federation/delivery/delivery-attempted.event.js';
import { PodMetrics } from './pod-metrics.js';

/** Times delivery requests, and each delivered event from its recording to the friend's acknowledgement. */
@EventsHandler(DeliveryAttempted)
export class ObserveDeliveriesHandler implements IEventHandler<DeliveryAttempted> {
  constructor(private readonly metrics: PodMetrics) {}

  handle({ outcome, timing }: DeliveryAttempted): void {
    this.metrics.federationDeliveryDuration.observe({ result: outcome.ok ? 'ok' : 'failed' }, timing.seconds);
    const now = Date.now();
    for (const occurredAt of timing.acknowledged) {
      const recorded = Date.parse(occurredAt);
      if (Number.isFinite(recorded)) this.metrics.federationDeliveryLatency.observe(Math.max(0, (now - recorded) / 1000));
    }
  }
}

import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { DeliveryAttempted } from '../../federation/delivery/delivery-attempted.event.js';
import { HealthMonitor } from './health-monitor.js';

/** Every delivery request to a friend moves its health score, as a probe does. */
@EventsHandler(DeliveryAttempted)
export class ObserveDeliveryHandler implements IEventHandler<DeliveryAttempted> {
  constructor(private readonly health: HealthMonitor) {}

  handle({ actor, outcome }: DeliveryAttempted): void {
    this.health.observeDelivery(actor, outcome);
  }
}

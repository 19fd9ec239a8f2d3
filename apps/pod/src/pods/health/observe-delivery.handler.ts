import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { DeliveryAttempted } from '../../federation/delivery/delivery-attempted.event.js';
import { JoiningPodPulled } from '../../federation/inbox/joining-pod-pulled.event.js';
import { HealthMonitor } from './health-monitor.js';

/** Every delivery request to a friend, and every pull of a pod asking to join, moves its health score, as a probe does. */
@EventsHandler(DeliveryAttempted, JoiningPodPulled)
export class ObserveDeliveryHandler implements IEventHandler<DeliveryAttempted | JoiningPodPulled> {
  constructor(private readonly health: HealthMonitor) {}

  handle({ actor, outcome }: DeliveryAttempted | JoiningPodPulled): void {
    this.health.observeDelivery(actor, outcome);
  }
}

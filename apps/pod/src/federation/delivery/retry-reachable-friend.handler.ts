import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { FriendReachable } from '../../pods/health/friend-reachable.event.js';
import { DeliveryService } from './delivery-service.js';

/** A friend that answers a probe again is delivered to at once, not at the end of its backoff. */
@EventsHandler(FriendReachable)
export class RetryReachableFriendHandler implements IEventHandler<FriendReachable> {
  constructor(private readonly delivery: DeliveryService) {}

  handle({ actor }: FriendReachable): void {
    this.delivery.peerIsBack(actor);
  }
}

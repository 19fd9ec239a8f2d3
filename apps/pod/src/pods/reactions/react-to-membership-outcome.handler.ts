import { Inject } from '@nestjs/common';
import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { POD_ACTOR } from '../../config/config.tokens.js';
import { DeliveryService } from '../../federation/delivery/delivery-service.js';
import { PullService } from '../../federation/pull/pull-service.js';
import { POD_LOGGER, type PodLogger } from '../../logger/pod-logger.js';
import { MembershipOutcomeRecorded } from '../commands/vote/membership-outcome-recorded.event.js';
import { HealthMonitor } from '../health/health-monitor.js';

/** A pod readmitted starts afresh (score, deliveries; this pod catches up if it was the one); an expulsion of this pod is logged. */
@EventsHandler(MembershipOutcomeRecorded)
export class ReactToMembershipOutcomeHandler implements IEventHandler<MembershipOutcomeRecorded> {
  constructor(
    @Inject(POD_ACTOR) private readonly me: string,
    private readonly health: HealthMonitor,
    private readonly delivery: DeliveryService,
    private readonly pulls: PullService,
    @Inject(POD_LOGGER) private readonly logger: PodLogger,
  ) {}

  handle({ target, type }: MembershipOutcomeRecorded): void {
    if (type === 'PodReadmitted') {
      this.health.reset(target);
      this.delivery.retryNow(target === this.me ? undefined : target);
      // Readmitted: catch up with what the network did meanwhile.
      if (target === this.me) void this.pulls.pullFromFriends();
    } else if (target === this.me) {
      this.logger.warn(`[membership] this pod was expelled from its network`);
    }
  }
}

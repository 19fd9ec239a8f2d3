import { Inject } from '@nestjs/common';
import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { ForeignEventsAppended } from '../../event-log/foreign-events-appended.event.js';
import { POD_LOGGER, type PodLogger } from '../../logger/pod-logger.js';
import { PodVotes } from '../commands/vote/pod-votes.js';
import { Membership } from '../membership.js';

/**
 * Foreign events were appended (inbox or pull): accept the friendship requests addressed to
 * this pod (when auto-accept is on), then see whether a ballot reached its quorum. In this
 * order: an accepted friend is in the electorate the votes count.
 */
@EventsHandler(ForeignEventsAppended)
export class ReactToForeignEventsHandler implements IEventHandler<ForeignEventsAppended> {
  constructor(
    private readonly membership: Membership,
    private readonly votes: PodVotes,
    @Inject(POD_LOGGER) private readonly logger: PodLogger,
  ) {}

  async handle({ events }: ForeignEventsAppended): Promise<void> {
    try {
      await this.membership.onForeignEvents(events);
    } catch (error) {
      this.logger.warn(`[membership] cannot answer friendship requests (tried again shortly): ${(error as Error).message}`);
    }
    this.votes.onForeignEvents(events);
  }
}

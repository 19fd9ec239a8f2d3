import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ReceiveActivitiesCommand } from './receive-activities.command.js';
import { ReceiveActivities, type InboxResult } from './receive-activities.js';

@CommandHandler(ReceiveActivitiesCommand)
export class ReceiveActivitiesHandler implements ICommandHandler<ReceiveActivitiesCommand, InboxResult> {
  constructor(private readonly inbox: ReceiveActivities) {}

  execute({ request }: ReceiveActivitiesCommand): Promise<InboxResult> {
    return this.inbox.handle(request);
  }
}

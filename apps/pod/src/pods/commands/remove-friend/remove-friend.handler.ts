import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { PodView } from '@swarmtube/contracts';
import { Membership } from '../../membership.js';
import { RemoveFriendCommand } from './remove-friend.command.js';

@CommandHandler(RemoveFriendCommand)
export class RemoveFriendHandler implements ICommandHandler<RemoveFriendCommand, PodView> {
  constructor(private readonly membership: Membership) {}

  execute(command: RemoveFriendCommand): Promise<PodView> {
    return this.membership.removeFriend(command.host);
  }
}

import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { MakeFriendsReport } from '@swarmtube/contracts';
import { Membership } from '../../membership.js';
import { MakeFriendsCommand } from './make-friends.command.js';

@CommandHandler(MakeFriendsCommand)
export class MakeFriendsHandler implements ICommandHandler<MakeFriendsCommand, MakeFriendsReport> {
  constructor(private readonly membership: Membership) {}

  execute(command: MakeFriendsCommand): Promise<MakeFriendsReport> {
    return this.membership.makeFriends(command.hosts);
  }
}

import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { QuitFriendsReport } from '@swarmtube/contracts';
import { Membership } from '../../membership.js';
import { QuitFriendsCommand } from './quit-friends.command.js';

@CommandHandler(QuitFriendsCommand)
export class QuitFriendsHandler implements ICommandHandler<QuitFriendsCommand, QuitFriendsReport> {
  constructor(private readonly membership: Membership) {}

  execute(): Promise<QuitFriendsReport> {
    return this.membership.quitFriends();
  }
}

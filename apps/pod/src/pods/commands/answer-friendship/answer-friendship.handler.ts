import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { PodView } from '@swarmtube/contracts';
import { Membership } from '../../membership.js';
import { AnswerFriendshipCommand } from './answer-friendship.command.js';

@CommandHandler(AnswerFriendshipCommand)
export class AnswerFriendshipHandler implements ICommandHandler<AnswerFriendshipCommand, PodView> {
  constructor(private readonly membership: Membership) {}

  execute(command: AnswerFriendshipCommand): Promise<PodView> {
    return this.membership.answerRequest(command.host, command.answer);
  }
}

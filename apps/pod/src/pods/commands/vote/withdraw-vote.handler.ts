import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { VoteAnswer } from './pod-votes.js';
import { PodVotes } from './pod-votes.js';
import { WithdrawVoteCommand } from './withdraw-vote.command.js';

@CommandHandler(WithdrawVoteCommand)
export class WithdrawVoteHandler implements ICommandHandler<WithdrawVoteCommand, VoteAnswer> {
  constructor(private readonly votes: PodVotes) {}

  execute(command: WithdrawVoteCommand): Promise<VoteAnswer> {
    return this.votes.withdraw(command.motion, command.host);
  }
}

import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { VoteAnswer } from './pod-votes.js';
import { PodVotes } from './pod-votes.js';
import { CastVoteCommand } from './cast-vote.command.js';

@CommandHandler(CastVoteCommand)
export class CastVoteHandler implements ICommandHandler<CastVoteCommand, VoteAnswer> {
  constructor(private readonly votes: PodVotes) {}

  execute(command: CastVoteCommand): Promise<VoteAnswer> {
    return this.votes.cast(command.motion, command.host, command.reason);
  }
}

import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { BallotView } from '../../commands/vote/pod-votes.js';
import { PodVotes } from '../../commands/vote/pod-votes.js';
import { GetBallotQuery } from './get-ballot.query.js';

@QueryHandler(GetBallotQuery)
export class GetBallotHandler implements IQueryHandler<GetBallotQuery, BallotView> {
  constructor(private readonly votes: PodVotes) {}

  execute(command: GetBallotQuery): Promise<BallotView> {
    return this.votes.ballot(command.host);
  }
}

import { Query } from '@nestjs/cqrs';
import type { BallotView } from '../../commands/vote/pod-votes.js';

/** The open motion on a pod, and its votes. */
export class GetBallotQuery extends Query<BallotView> {
  constructor(
    readonly host: string,
  ) {
    super();
  }
}

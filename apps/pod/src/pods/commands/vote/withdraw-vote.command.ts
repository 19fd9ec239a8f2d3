import { Command } from '@nestjs/cqrs';
import type { VoteAnswer } from './pod-votes.js';
import type { Motion } from '../../domain/expulsion.js';

/** Withdraw this pod's vote, before the quorum. */
export class WithdrawVoteCommand extends Command<VoteAnswer> {
  constructor(
    readonly motion: Motion,
    readonly host: string,
  ) {
    super();
  }
}

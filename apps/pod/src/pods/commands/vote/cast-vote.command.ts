import { Command } from '@nestjs/cqrs';
import type { VoteAnswer } from './pod-votes.js';
import type { Motion } from '../../domain/expulsion.js';

/** Cast this pod's vote to expel a member or readmit an expelled pod. */
export class CastVoteCommand extends Command<VoteAnswer> {
  constructor(
    readonly motion: Motion,
    readonly host: string,
    readonly reason: unknown,
  ) {
    super();
  }
}

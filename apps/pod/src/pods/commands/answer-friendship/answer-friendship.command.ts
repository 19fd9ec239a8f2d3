import { Command } from '@nestjs/cqrs';
import type { PodView } from '@swarmtube/contracts';

/** An admin accepts or rejects a pod's friendship request. */
export class AnswerFriendshipCommand extends Command<PodView> {
  constructor(
    readonly host: string,
    readonly answer: 'accept' | 'reject',
  ) {
    super();
  }
}

import { Command } from '@nestjs/cqrs';
import type { PodView } from '@swarmtube/contracts';

/** Drop one friend (or withdraw this pod's own pending request). */
export class RemoveFriendCommand extends Command<PodView> {
  constructor(
    readonly host: string,
  ) {
    super();
  }
}

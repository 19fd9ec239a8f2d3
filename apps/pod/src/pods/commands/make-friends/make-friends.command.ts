import { Command } from '@nestjs/cqrs';
import type { MakeFriendsReport } from '@swarmtube/contracts';

/** Ask the seeds (these hosts, else the config's) for their members and ask the hosts most of them name to be friends. */
export class MakeFriendsCommand extends Command<MakeFriendsReport> {
  constructor(
    readonly hosts: unknown,
  ) {
    super();
  }
}

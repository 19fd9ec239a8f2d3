import { Command } from '@nestjs/cqrs';
import type { QuitFriendsReport } from '@swarmtube/contracts';

/** End every friendship of this pod. */
export class QuitFriendsCommand extends Command<QuitFriendsReport> {}

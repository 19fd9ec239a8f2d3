import { Command } from '@nestjs/cqrs';
import type { QuitFriendsReport } from '../../../../../../libs/contracts/src/api/rest-types.js';

/** End every friendship of this pod. */
export class QuitFriendsCommand extends Command<QuitFriendsReport> {}

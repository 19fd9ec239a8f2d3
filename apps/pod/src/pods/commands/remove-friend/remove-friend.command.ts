import { Command } from '@nestjs/cqrs';
import type { PodView } from '../../../../../../libs/contracts/src/api/rest-types.js';

/** Drop one friend (or withdraw this pod's own pending request). */
export class RemoveFriendCommand extends Command<PodView> {
  constructor(
    readonly host: string,
  ) {
    super();
  }
}

import { Command } from '@nestjs/cqrs';
import type { Session } from '../../../users/local-accounts.js';

/** Delete a video, or cancel an upload still processing (or failed). */
export class DeleteVideoCommand extends Command<void> {
  constructor(
    readonly uuid: string,
    readonly by: Session,
  ) {
    super();
  }
}

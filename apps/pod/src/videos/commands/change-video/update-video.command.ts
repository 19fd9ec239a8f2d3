import { Command } from '@nestjs/cqrs';
import type { Session } from '../../../users/local-accounts.js';

/** Edit a video's name, description or tags (the body as sent: the handler checks it). */
export class UpdateVideoCommand extends Command<void> {
  constructor(
    readonly uuid: string,
    readonly body: unknown,
    readonly by: Session,
  ) {
    super();
  }
}

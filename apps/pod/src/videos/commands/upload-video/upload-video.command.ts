import { Command } from '@nestjs/cqrs';
import type { Session } from '../../../users/local-accounts.js';
import type { ReceivedUpload } from './receive-upload.js';

/** An upload arrived whole (its file on disk, its fields): make it a video being processed. */
export class UploadVideoCommand extends Command<{ uuid: string }> {
  constructor(
    readonly received: ReceivedUpload,
    readonly by: Session,
  ) {
    super();
  }
}

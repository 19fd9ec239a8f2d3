import { Command } from '@nestjs/cqrs';
import type { Session } from '../../../users/local-accounts.js';

/** `POST /api/v1/videos/upload-resumable`: the size, type and fields as sent, checked by the handler. */
export class StartResumableUploadCommand extends Command<{ id: string; size: number; expiresAt: string }> {
  constructor(
    readonly by: Session,
    readonly input: { size: unknown; type: unknown; body: unknown },
  ) {
    super();
  }
}

/** `DELETE /api/v1/videos/upload-resumable?upload_id=`: the caller's upload and its bytes go. */
export class CancelResumableUploadCommand extends Command<void> {
  constructor(
    readonly by: Session,
    readonly id: unknown,
  ) {
    super();
  }
}

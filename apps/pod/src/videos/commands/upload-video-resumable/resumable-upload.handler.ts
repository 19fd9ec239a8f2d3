import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CancelResumableUploadCommand, StartResumableUploadCommand } from './resumable-upload.command.js';
import { ResumableUploads } from './resumable-uploads.js';

@CommandHandler(StartResumableUploadCommand)
export class StartResumableUploadHandler implements ICommandHandler<StartResumableUploadCommand, { id: string; size: number; expiresAt: string }> {
  constructor(private readonly uploads: ResumableUploads) {}

  execute({ by, input }: StartResumableUploadCommand): Promise<{ id: string; size: number; expiresAt: string }> {
    return this.uploads.start(by, input);
  }
}

@CommandHandler(CancelResumableUploadCommand)
export class CancelResumableUploadHandler implements ICommandHandler<CancelResumableUploadCommand, void> {
  constructor(private readonly uploads: ResumableUploads) {}

  execute({ by, id }: CancelResumableUploadCommand): Promise<void> {
    return this.uploads.cancel(by, id);
  }
}

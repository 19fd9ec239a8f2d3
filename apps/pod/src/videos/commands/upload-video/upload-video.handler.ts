import { randomUUID } from 'node:crypto';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { rm } from 'node:fs/promises';
import { isProblemCode, ProblemError } from '../../../http/problem.js';
import type { Session } from '../../../users/local-accounts.js';
import { parseVideoFields, type VideoFields } from '../../domain/video-fields.js';
import { MediaError, probeMedia } from '../../media/index.js';
import { VideoProcessing } from '../../processing/video-processing.js';
import type { ReceivedUpload } from './receive-upload.js';
import { UploadVideoCommand } from './upload-video.command.js';
import { keepWhatHolds } from './upload-read-ahead.js';

const PROBE_TIMEOUT_MS = 30_000;

@CommandHandler(UploadVideoCommand)
export class UploadVideoHandler implements ICommandHandler<UploadVideoCommand, { uuid: string }> {
  constructor(private readonly processing: VideoProcessing) {}

  execute({ received, by }: UploadVideoCommand): Promise<{ uuid: string }> {
    return uploadVideo(received, by, this.processing);
  }
}

/**
 * An upload that arrived whole: its fields must be valid and ffprobe must find a video in
 * it, or it is refused and its files removed; then it becomes a processing job. The answer
 * does not wait for processing: GET /api/v1/videos/{uuid} shows the job's state.
 */
async function uploadVideo(received: ReceivedUpload, by: Session, processing: VideoProcessing): Promise<{ uuid: string }> {
  let thumbnailPath = received.file.readAhead.thumbnailPath;
  try {
    const parsed = parseVideoFields(received.fields, { partial: false });
    if (!parsed.ok) throw new ProblemError('invalid-body', parsed.problems.join('; '), { problems: parsed.problems });
    // What was read while the upload streamed in counts only if the whole file reads the same.
    const readAhead = await keepWhatHolds(received.file.path, received.file.readAhead);
    thumbnailPath = readAhead.thumbnailPath;
    const probe = await probeMedia(received.file.path, { timeoutMs: PROBE_TIMEOUT_MS, describedAhead: readAhead.described }).catch((error: unknown) => {
      // A media code without a status (file-not-found: our own temp file is gone) stays a 500.
      if (error instanceof MediaError && isProblemCode(error.code)) throw new ProblemError(error.code, error.message);
      throw error;
    });
    const uuid = randomUUID();
    await processing.accept({
      uuid,
      owner: by.username,
      fields: parsed.value as VideoFields,
      sourcePath: received.file.path,
      probe,
      pieces: received.file.pieces,
      thumbnailPath,
    });
    return { uuid };
  } catch (error) {
    await Promise.all([rm(received.file.path, { force: true }), thumbnailPath ? rm(thumbnailPath, { force: true }) : undefined]);
    throw error;
  }
}

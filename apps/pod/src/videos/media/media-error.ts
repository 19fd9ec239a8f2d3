/**
 * Why a media step refused or failed. The codes are stable (clients and job rows carry them);
 * the message is safe to show a user: it never holds server paths. What ffmpeg said is kept
 * apart in `stderr`, for the logs.
 */
export type MediaErrorCode =
  | 'file-not-found'
  | 'empty-file'
  | 'not-a-video'
  | 'truncated-media'
  | 'media-timeout'
  | 'transcode-failed'
  | 'thumbnail-failed'
  | 'cancelled'
  /** Raised by the processing job, not here: the pod stopped mid-job and the upload is gone. */
  | 'interrupted';

export class MediaError extends Error {
  override readonly name = 'MediaError';

  constructor(
    readonly code: MediaErrorCode,
    message: string,
    readonly details: { stderr?: string; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }

  /** The tail of the tool's stderr, raw (may hold paths): for logs only. */
  get stderr(): string | undefined {
    return this.details.stderr;
  }
}

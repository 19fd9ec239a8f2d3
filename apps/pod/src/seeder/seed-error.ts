/** Why the seeder refused or dropped a video; stable, so the pod can map them to its own problems. */
export type SeedErrorCode =
  | 'invalidInfoHash'
  | 'invalidTorrent'
  | 'multiFileTorrent'
  | 'infoHashMismatch'
  | 'nameMismatch'
  | 'fileMissing'
  | 'notAFile'
  | 'sizeMismatch'
  | 'unseeded'
  | 'closed'
  | 'failed';

export class SeedError extends Error {
  override readonly name = 'SeedError';

  constructor(
    readonly code: SeedErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

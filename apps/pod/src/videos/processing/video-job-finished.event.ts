/** A processing job reached `published` or `failed` (VideoProcessing); /metrics observes its duration. */
export class VideoJobFinished {
  constructor(
    readonly uuid: string,
    readonly state: 'published' | 'failed',
    /** From the upload accepted (the job's createdAt) to now. */
    readonly seconds: number,
  ) {}
}

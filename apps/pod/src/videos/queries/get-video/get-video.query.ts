import { Query } from '@nestjs/cqrs';
import type { VideoDto, VideoUploadDto } from '@swarmtube/contracts';

/** One video of any pod, or the state of a local upload still processing (or failed). */
export class GetVideoQuery extends Query<VideoDto | VideoUploadDto> {
  constructor(readonly uuid: string) {
    super();
  }
}

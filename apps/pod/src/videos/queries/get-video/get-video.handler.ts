import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { VideoDto, VideoUploadDto } from '@swarmtube/contracts';
import type { OpenedEventStore } from '@swarmtube/event-store';
import { POD_ACTOR, POD_CONFIG } from '../../../config/config.tokens.js';
import type { PodConfig } from '../../../config/pod-config.js';
import { EVENT_STORE } from '../../../event-log/event-log.tokens.js';
import { ProblemError } from '../../../http/problem.js';
import { ProjectionRunner } from '../../../projections/projection-runner.js';
import { VideoJobs, type VideoJob } from '../../processing/video-jobs.js';
import { getVideo } from '../video-catalog.js';
import { GetVideoQuery } from './get-video.query.js';

/** A local upload that is not published (yet, or ever): what its uploader needs to follow it. */
function jobView(job: VideoJob & { state: VideoUploadDto['state'] }, host: string): VideoUploadDto {
  return {
    uuid: job.uuid,
    name: job.name,
    description: job.description,
    tags: job.tags,
    state: job.state,
    progress: job.progress,
    step: job.step,
    error: job.errorCode ? { code: job.errorCode, message: job.errorMessage ?? '' } : null,
    originHost: host,
    isLocal: true,
    account: { username: job.owner },
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
  };
}

@QueryHandler(GetVideoQuery)
export class GetVideoHandler implements IQueryHandler<GetVideoQuery, VideoDto | VideoUploadDto> {
  constructor(
    @Inject(POD_CONFIG) private readonly config: PodConfig,
    @Inject(POD_ACTOR) private readonly actor: string,
    @Inject(EVENT_STORE) private readonly store: OpenedEventStore,
    private readonly projections: ProjectionRunner,
    private readonly jobs: VideoJobs,
  ) {}

  async execute({ uuid }: GetVideoQuery): Promise<VideoDto | VideoUploadDto> {
    const { store, actor, projections } = this;
    const video = await getVideo(store.readModels, uuid, actor);
    if (video) return video;
    const job = await this.jobs.get(uuid);
    if (job && job.state !== 'published') return jobView({ ...job, state: job.state }, this.config.host);
    if (job) {
      // Published a moment ago: the read model is about to have it.
      await projections.waitFor(await store.headPosition());
      const fresh = await getVideo(store.readModels, uuid, actor);
      if (fresh) return fresh;
    }
    throw new ProblemError('not-found', `no video ${uuid} on this pod`);
  }
}

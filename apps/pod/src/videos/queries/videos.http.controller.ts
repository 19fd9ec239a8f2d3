import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ProblemError } from '../../http/problem.js';
import { POD_RUNTIME } from '../../pod-runtime.token.js';
import type { PodRuntime } from '../../pod-runtime.js';
import type { VideoJob } from '../processing/video-jobs.js';
import { getVideo, listVideos, parseListVideosQuery } from './video-catalog.js';
import type { VideoDto, VideoUploadDto } from '../../../../../libs/contracts/src/api/rest-types.js';
import { parseVideoUuid } from './video-uuid.js';
import { ApiProblems } from '../../http/problem.openapi.js';
import { ApiListVideosQuery, VideoListOpenApi, VideoOpenApi, VideoUploadOpenApi } from './video-dto.openapi.js';

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

/**
 * `GET /api/v1/videos?search=&start=&count=&sort=&origin=`: the videos of the whole network
 * this pod knows, full-text searchable; `GET /api/v1/videos/{uuid}`: one, or the state of a
 * local upload still processing (or failed).
 */
@ApiTags('videos')
@Controller('api/v1/videos')
export class VideosHttpController {
  constructor(@Inject(POD_RUNTIME) private readonly runtime: PodRuntime) {}

  @Get()
  @ApiOperation({ summary: 'List and search the network\'s videos', description: 'Every published video this pod knows, of any pod, a page at a time. Other parameters are ignored (PeerTube clients send some); one given twice is a problem.' })
  @ApiListVideosQuery()
  @ApiOkResponse({ description: 'A page of videos and how many match in all.', type: VideoListOpenApi })
  @ApiProblems('invalid-query')
  async list(@Query() raw: Record<string, unknown>): Promise<{ total: number; data: VideoDto[] }> {
    const parsed = parseListVideosQuery(raw);
    if (!parsed.ok) throw new ProblemError('invalid-query', parsed.problems.join('; '), { problems: parsed.problems });
    return listVideos(this.runtime.store.readModels, parsed.query, this.runtime.actor);
  }

  @Get(':uuid')
  @ApiOperation({ summary: 'One video', description: 'A published video of any pod, or the state of a local upload still processing (or failed).' })
  @ApiParam({ name: 'uuid', schema: { type: 'string', format: 'uuid' } })
  @ApiExtraModels(VideoOpenApi, VideoUploadOpenApi)
  @ApiOkResponse({ description: 'The video (state `published`) or the upload (state `processing` or `failed`).', schema: { oneOf: [{ $ref: getSchemaPath(VideoOpenApi) }, { $ref: getSchemaPath(VideoUploadOpenApi) }] } })
  @ApiProblems('not-found')
  async get(@Param('uuid') raw: string): Promise<VideoDto | VideoUploadDto> {
    const uuid = parseVideoUuid(raw);
    const { store, actor, projections } = this.runtime;
    const video = await getVideo(store.readModels, uuid, actor);
    if (video) return video;
    const job = await this.runtime.videos.jobs.get(uuid);
    if (job && job.state !== 'published') return jobView({ ...job, state: job.state }, this.runtime.config.host);
    if (job) {
      // Published a moment ago: the read model is about to have it.
      await projections.waitFor(await store.headPosition());
      const fresh = await getVideo(store.readModels, uuid, actor);
      if (fresh) return fresh;
    }
    throw new ProblemError('not-found', `no video ${uuid} on this pod`);
  }
}

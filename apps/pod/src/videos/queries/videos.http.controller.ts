import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ProblemError } from '../../http/problem.js';
import { QueryBus } from '@nestjs/cqrs';
import { GetVideoQuery } from './get-video/get-video.query.js';
import { SearchVideosQuery } from './search-videos/search-videos.query.js';
import { parseListVideosQuery } from './video-catalog.js';
import type { VideoDto, VideoUploadDto } from '@swarmtube/contracts';
import { parseVideoUuid } from './video-uuid.js';
import { VideoViews } from '../video-views.js';
import { ApiProblems } from '../../http/problem.openapi.js';
import { ApiListVideosQuery, VideoListOpenApi, VideoOpenApi, VideoUploadOpenApi } from './video-dto.openapi.js';

/**
 * `GET /api/v1/videos?search=&start=&count=&sort=&origin=`: the videos of the whole network
 * this pod knows, full-text searchable; `GET /api/v1/videos/{uuid}`: one, or the state of a
 * local upload still processing (or failed).
 */
@ApiTags('videos')
@Controller('api/v1/videos')
export class VideosHttpController {
  constructor(
    private readonly queries: QueryBus,
    private readonly views: VideoViews,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List and search the network\'s videos', description: 'Every published video this pod knows, of any pod, a page at a time. Other parameters are ignored (PeerTube clients send some); one given twice is a problem.' })
  @ApiListVideosQuery()
  @ApiOkResponse({ description: 'A page of videos and how many match in all.', type: VideoListOpenApi })
  @ApiProblems('invalid-query')
  async list(@Query() raw: Record<string, unknown>): Promise<{ total: number; data: VideoDto[] }> {
    const parsed = parseListVideosQuery(raw);
    if (!parsed.ok) throw new ProblemError('invalid-query', parsed.problems.join('; '), { problems: parsed.problems });
    return this.queries.execute(new SearchVideosQuery(parsed.query));
  }

  @Get(':uuid')
  @ApiOperation({ summary: 'One video', description: 'A published video of any pod, or the state of a local upload still processing (or failed).' })
  @ApiParam({ name: 'uuid', schema: { type: 'string', format: 'uuid' } })
  @ApiExtraModels(VideoOpenApi, VideoUploadOpenApi)
  @ApiOkResponse({ description: 'The video (state `published`) or the upload (state `processing` or `failed`).', schema: { oneOf: [{ $ref: getSchemaPath(VideoOpenApi) }, { $ref: getSchemaPath(VideoUploadOpenApi) }] } })
  @ApiProblems('not-found')
  async get(@Param('uuid') raw: string): Promise<VideoDto | VideoUploadDto> {
    const video: VideoDto | VideoUploadDto = await this.queries.execute(new GetVideoQuery(parseVideoUuid(raw)));
    if (video.state === 'published') this.views.count(video.uuid);
    return video;
  }
}

import { Body, Controller, Delete, HttpCode, Inject, Param, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiNoContentResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ProblemError } from '../../../http/problem.js';
import { POD_RUNTIME } from '../../../pod-runtime.token.js';
import type { PodRuntime } from '../../../pod-runtime.js';
import { CurrentSession } from '../../../users/current-session.decorator.js';
import type { Session } from '../../../users/local-accounts.js';
import { UserGuard } from '../../../users/user.guard.js';
import { parseVideoUuid } from '../../queries/video-uuid.js';
import { deleteVideo, updateVideo } from './change-video.handler.js';
import { ApiProblems } from '../../../http/problem.openapi.js';
import { ChangeVideoBodyOpenApi } from './change-video.openapi.js';

/**
 * `PUT /api/v1/videos/{uuid}` (JSON: name, description, tags) and `DELETE`, by the video's
 * owner or an admin of its origin. 204 either way; an edit that changes nothing appends nothing.
 */
@ApiTags('videos')
@Controller('api/v1/videos')
export class ChangeVideoHttpController {
  constructor(@Inject(POD_RUNTIME) private readonly runtime: PodRuntime) {}

  @Put(':uuid')
  @HttpCode(204)
  @UseGuards(UserGuard)
  @ApiOperation({ summary: 'Edit a video\'s name, description or tags', description: 'By its owner or an admin, on its origin pod only. An edit that changes nothing appends nothing. Answers once the change is in the read model.' })
  @ApiBearerAuth()
  @ApiParam({ name: 'uuid', description: 'The video\'s uuid (lower case).', schema: { type: 'string', format: 'uuid' } })
  @ApiBody({ type: ChangeVideoBodyOpenApi })
  @ApiNoContentResponse({ description: 'Changed (or nothing to change).' })
  @ApiProblems('unauthorized', 'forbidden', 'not-origin', 'not-found', 'invalid-body', 'malformed-json', 'payload-too-large', 'wrong-expected-version')
  async update(@Param('uuid') raw: string, @Body() body: unknown, @CurrentSession() session: Session): Promise<void> {
    const uuid = parseVideoUuid(raw);
    await updateVideo(this.deps(), uuid, body, session);
    await this.runtime.projections.waitFor(await this.runtime.store.headPosition());
  }

  @Delete(':uuid')
  @HttpCode(204)
  @UseGuards(UserGuard)
  @ApiOperation({ summary: 'Delete a video', description: 'By its owner or an admin, on its origin pod only; an upload still processing (or failed) is cancelled and its files removed.' })
  @ApiBearerAuth()
  @ApiParam({ name: 'uuid', description: 'The video\'s uuid (lower case).', schema: { type: 'string', format: 'uuid' } })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems('unauthorized', 'forbidden', 'not-origin', 'not-found', 'wrong-expected-version')
  async delete(@Param('uuid') raw: string, @CurrentSession() session: Session): Promise<void> {
    const uuid = parseVideoUuid(raw);
    const { videos } = this.runtime;
    const job = await videos.jobs.get(uuid);
    if (job && job.state !== 'published') {
      if (session.role !== 'admin' && session.username !== job.owner) throw new ProblemError('forbidden', 'only the owner of a video or an admin can delete it');
      await videos.processing.cancel(uuid);
      // Never published: no event to append, only a job and its files to drop. (A job already
      // appending its VideoPublished when cancelled has published: deleted below, as any video.)
      if ((await videos.jobs.get(uuid))?.state !== 'published') {
        await videos.jobs.remove(uuid);
        await videos.local.deleted(uuid);
        return;
      }
    }
    await deleteVideo(this.deps(), uuid, session);
    await videos.jobs.remove(uuid);
    await videos.local.deleted(uuid);
    await this.runtime.projections.waitFor(await this.runtime.store.headPosition());
  }

  private deps() {
    return { store: this.runtime.store, eventLog: this.runtime.eventLog, me: this.runtime.actor };
  }
}

import { Controller, Delete, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../../http/problem.openapi.js';
import { AdminGuard } from '../../../users/admin.guard.js';
import { parseVideoUuid } from '../../../videos/queries/video-uuid.js';
import { MirrorVideoCommand, UnmirrorVideoCommand } from './mirror-video.command.js';

/**
 * `POST /api/v1/videos/{uuid}/mirror` and `DELETE`: an admin's choice to mirror another pod's
 * video on this pod (fetched through the swarm, checked, seeded, tracked and served as a web
 * seed; `VideoMirrored` once whole), or to stop (`VideoUnmirrored`; the policy then leaves it alone).
 */
@ApiTags('videos')
@Controller('api/v1/videos')
export class MirrorVideoHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':uuid/mirror')
  @HttpCode(202)
  @UseGuards(AdminGuard)
  @ApiOperation({
    summary: "Mirror another pod's video on this pod (admin)",
    description: 'Answers at once with `state` `fetching` (the copy is fetched through the swarm; `VideoMirrored` once it is whole and checked) or `mirrored` (already held by the policy: now kept whatever the budget).',
  })
  @ApiBearerAuth()
  @ApiParam({ name: 'uuid', description: "The video's uuid (lower case).", schema: { type: 'string', format: 'uuid' } })
  @ApiAcceptedResponse({ description: 'Mirrored or being fetched.', schema: { type: 'object', properties: { uuid: { type: 'string' }, state: { type: 'string', enum: ['fetching', 'mirrored'] } } } })
  @ApiProblems('unauthorized', 'forbidden', 'not-found', 'own-video', 'origin-expelled', 'already-mirrored')
  async mirror(@Param('uuid') raw: string): Promise<{ uuid: string; state: 'fetching' | 'mirrored' }> {
    return this.commands.execute(new MirrorVideoCommand(parseVideoUuid(raw)));
  }

  @Delete(':uuid/mirror')
  @HttpCode(204)
  @UseGuards(AdminGuard)
  @ApiOperation({ summary: 'Stop mirroring a video (admin)', description: 'The copy (or the fetch under way) goes; the policy does not mirror it again until an admin does.' })
  @ApiBearerAuth()
  @ApiParam({ name: 'uuid', description: "The video's uuid (lower case).", schema: { type: 'string', format: 'uuid' } })
  @ApiNoContentResponse({ description: 'No longer mirrored.' })
  @ApiProblems('unauthorized', 'forbidden', 'not-found', 'not-mirrored')
  async unmirror(@Param('uuid') raw: string): Promise<void> {
    await this.commands.execute(new UnmirrorVideoCommand(parseVideoUuid(raw)));
  }
}

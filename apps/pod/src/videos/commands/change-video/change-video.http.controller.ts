import { Body, Controller, Delete, HttpCode, Param, Put, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiNoContentResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentSession } from '../../../users/current-session.decorator.js';
import type { Session } from '../../../users/local-accounts.js';
import { UserGuard } from '../../../users/user.guard.js';
import { parseVideoUuid } from '../../queries/video-uuid.js';
import { DeleteVideoCommand } from './delete-video.command.js';
import { UpdateVideoCommand } from './update-video.command.js';
import { ApiProblems } from '../../../http/problem.openapi.js';
import { ChangeVideoBodyOpenApi } from './change-video.openapi.js';

/**
 * `PUT /api/v1/videos/{uuid}` (JSON: name, description, tags) and `DELETE`, by the video's
 * owner or an admin of its origin. 204 either way; an edit that changes nothing appends nothing.
 */
@ApiTags('videos')
@Controller('api/v1/videos')
export class ChangeVideoHttpController {
  constructor(private readonly commands: CommandBus) {}

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
    await this.commands.execute(new UpdateVideoCommand(parseVideoUuid(raw), body, session));
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
    await this.commands.execute(new DeleteVideoCommand(parseVideoUuid(raw), session));
  }
}

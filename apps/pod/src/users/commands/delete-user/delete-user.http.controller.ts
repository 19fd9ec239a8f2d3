import { Controller, Delete, HttpCode, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CommandBus } from '@nestjs/cqrs';
import { AdminGuard } from '../../admin.guard.js';
import { DeleteUserCommand } from './delete-user.command.js';
import { ApiProblems } from '../../../http/problem.openapi.js';
import { USERNAME_SCHEMA } from '../../local-accounts.openapi.js';

/**
 * `DELETE /api/v1/users/{username}` (PeerTube takes a numeric id there; accounts here have
 * none): an admin removes an account, and every token it holds stops working at once. The
 * name stays retired. Root cannot be deleted.
 */
@ApiTags('users')
@Controller('api/v1/users')
export class DeleteUserHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Delete(':username')
  @HttpCode(204)
  @UseGuards(AdminGuard)
  @ApiOperation({ summary: 'Delete an account (admin)', description: 'Every token it holds stops working at once; the name stays retired. Root cannot be deleted.' })
  @ApiBearerAuth()
  @ApiParam({ name: 'username', schema: { type: 'string', ...USERNAME_SCHEMA } })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems('unauthorized', 'forbidden', 'not-found')
  async delete(@Param('username') username: string): Promise<void> {
    await this.commands.execute(new DeleteUserCommand(username));
  }
}

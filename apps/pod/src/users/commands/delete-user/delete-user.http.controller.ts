import { Controller, Delete, HttpCode, Inject, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ProblemError } from '../../../http/problem.js';
import { POD_RUNTIME } from '../../../pod-runtime.token.js';
import type { PodRuntime } from '../../../pod-runtime.js';
import { AdminGuard } from '../../admin.guard.js';
import { USERNAME_PATTERN } from '../../domain/account-fields.js';
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
  constructor(@Inject(POD_RUNTIME) private readonly runtime: PodRuntime) {}

  @Delete(':username')
  @HttpCode(204)
  @UseGuards(AdminGuard)
  @ApiOperation({ summary: 'Delete an account (admin)', description: 'Every token it holds stops working at once; the name stays retired. Root cannot be deleted.' })
  @ApiBearerAuth()
  @ApiParam({ name: 'username', schema: { type: 'string', ...USERNAME_SCHEMA } })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems('unauthorized', 'forbidden', 'not-found')
  async delete(@Param('username') username: string): Promise<void> {
    const result = USERNAME_PATTERN.test(username) ? await this.runtime.accounts.deleteAccount(username) : 'not-found';
    if (result === 'root') throw new ProblemError('forbidden', 'root is the pod\'s own admin and cannot be deleted');
    if (result === 'not-found') throw new ProblemError('not-found', 'no such account');
  }
}

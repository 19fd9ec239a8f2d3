import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProblemError } from '../../../http/problem.js';
import { POD_RUNTIME } from '../../../pod-runtime.token.js';
import type { PodRuntime } from '../../../pod-runtime.js';
import { CurrentSession } from '../../current-session.decorator.js';
import type { Account, Session } from '../../local-accounts.js';
import { UserGuard } from '../../user.guard.js';
import { ApiProblems } from '../../../http/problem.openapi.js';
import { AccountOpenApi } from '../../local-accounts.openapi.js';

/** `GET /api/v1/users/me`: who the token belongs to, `{username, role, createdAt}`. */
@ApiTags('users')
@Controller('api/v1/users/me')
export class GetMeHttpController {
  constructor(@Inject(POD_RUNTIME) private readonly runtime: PodRuntime) {}

  @Get()
  @UseGuards(UserGuard)
  @ApiOperation({ summary: 'Who the token belongs to' })
  @ApiBearerAuth()
  @ApiOkResponse({ description: 'The account.', type: AccountOpenApi })
  @ApiProblems('unauthorized')
  async me(@CurrentSession() session: Session): Promise<Account> {
    const account = await this.runtime.accounts.account(session.username);
    // Deleted between the guard and here.
    if (!account) throw new ProblemError('unauthorized', 'this account no longer exists');
    return account;
  }
}

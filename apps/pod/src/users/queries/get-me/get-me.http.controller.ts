import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { QueryBus } from '@nestjs/cqrs';
import { CurrentSession } from '../../current-session.decorator.js';
import { GetMeQuery } from './get-me.query.js';
import type { Account, Session } from '../../local-accounts.js';
import { UserGuard } from '../../user.guard.js';
import { ApiProblems } from '../../../http/problem.openapi.js';
import { AccountOpenApi } from '../../local-accounts.openapi.js';

/** `GET /api/v1/users/me`: who the token belongs to, `{username, role, createdAt}`. */
@ApiTags('users')
@Controller('api/v1/users/me')
export class GetMeHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @UseGuards(UserGuard)
  @ApiOperation({ summary: 'Who the token belongs to' })
  @ApiBearerAuth()
  @ApiOkResponse({ description: 'The account.', type: AccountOpenApi })
  @ApiProblems('unauthorized')
  async me(@CurrentSession() session: Session): Promise<Account> {
    return this.queries.execute(new GetMeQuery(session.username));
  }
}

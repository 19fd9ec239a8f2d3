import { Body, Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProblemError } from '../../../http/problem.js';
import { POD_RUNTIME } from '../../../pod-runtime.token.js';
import type { PodRuntime } from '../../../pod-runtime.js';
import { AdminGuard } from '../../admin.guard.js';
import type { Account } from '../../local-accounts.js';
import { parseCreateUserRequest } from './create-user.request.dto.js';
import { ApiProblems } from '../../../http/problem.openapi.js';
import { AccountOpenApi } from '../../local-accounts.openapi.js';
import { CreateUserBodyOpenApi } from './create-user.openapi.js';

/** `POST /api/v1/users`: an admin makes an account (admin or user), whatever the signup switch says. */
@ApiTags('users')
@Controller('api/v1/users')
export class CreateUserHttpController {
  constructor(@Inject(POD_RUNTIME) private readonly runtime: PodRuntime) {}

  @Post()
  @HttpCode(201)
  @UseGuards(AdminGuard)
  @ApiOperation({ summary: 'Create an account (admin)', description: 'An admin or a user, whatever the signup switch says.' })
  @ApiBearerAuth()
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiBody({ type: CreateUserBodyOpenApi })
  @ApiCreatedResponse({ description: 'The new account.', type: AccountOpenApi })
  @ApiProblems('unauthorized', 'forbidden', 'invalid-body', 'malformed-json', 'payload-too-large', 'username-taken')
  async create(@Body() body: unknown): Promise<Account> {
    const request = parseCreateUserRequest(body);
    const created = await this.runtime.accounts.createAccount(request);
    if (created === 'taken') throw new ProblemError('username-taken', `the username "${request.username}" is taken`);
    return created;
  }
}

import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandBus } from '@nestjs/cqrs';
import { AdminGuard } from '../../admin.guard.js';
import type { Account } from '../../local-accounts.js';
import { CreateUserCommand } from './create-user.command.js';
import { parseCreateUserRequest } from './create-user.request.dto.js';
import { ApiProblems } from '../../../http/problem.openapi.js';
import { AccountOpenApi } from '../../local-accounts.openapi.js';
import { CreateUserBodyOpenApi } from './create-user.openapi.js';

/** `POST /api/v1/users`: an admin makes an account (admin or user), whatever the signup switch says. */
@ApiTags('users')
@Controller('api/v1/users')
export class CreateUserHttpController {
  constructor(private readonly commands: CommandBus) {}

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
    return this.commands.execute(new CreateUserCommand(request.username, request.password, request.role));
  }
}

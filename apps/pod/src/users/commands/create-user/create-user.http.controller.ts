import { Body, Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { ProblemError } from '../../../http/problem.js';
import { POD_RUNTIME } from '../../../pod-runtime.token.js';
import type { PodRuntime } from '../../../pod-runtime.js';
import { AdminGuard } from '../../admin.guard.js';
import type { Account } from '../../local-accounts.js';
import { parseCreateUserRequest } from './create-user.request.dto.js';

/** `POST /api/v1/users`: an admin makes an account (admin or user), whatever the signup switch says. */
@Controller('api/v1/users')
export class CreateUserHttpController {
  constructor(@Inject(POD_RUNTIME) private readonly runtime: PodRuntime) {}

  @Post()
  @HttpCode(201)
  @UseGuards(AdminGuard)
  async create(@Body() body: unknown): Promise<Account> {
    const request = parseCreateUserRequest(body);
    const created = await this.runtime.accounts.createAccount(request);
    if (created === 'taken') throw new ProblemError('username-taken', `the username "${request.username}" is taken`);
    return created;
  }
}

import { Body, Controller, HttpCode, Inject, Ip, Post, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ProblemError } from '../../../http/problem.js';
import { CommandBus } from '@nestjs/cqrs';
import { POD_CONFIG } from '../../../config/config.tokens.js';
import type { PodConfig } from '../../../config/pod-config.js';
import { AttemptLimiter } from '../../attempt-limiter.js';
import { RegisterUserCommand } from './register-user.command.js';
import { parseRegisterUserRequest } from './register-user.request.dto.js';
import { ApiProblems } from '../../../http/problem.openapi.js';
import { RegisterUserBodyOpenApi } from './register-user.openapi.js';

/**
 * `POST /api/v1/users/register`: a visitor makes a 'user' account, when the config has
 * `signup: true`. 204 like PeerTube; then log in at /api/v1/users/token.
 */
@ApiTags('users')
@Controller('api/v1/users/register')
export class RegisterUserHttpController {
  // Counts well-formed attempts only: each costs a scrypt and may create an account, while a
  // malformed body is turned away before any work. Taken names count, so probing them is slow.
  private readonly limiter = new AttemptLimiter({ attempts: 10, perSeconds: 3600 });

  constructor(
    @Inject(POD_CONFIG) private readonly config: PodConfig,
    private readonly commands: CommandBus,
  ) {}

  @Post()
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign up (when the pod takes sign-ups)', description: 'Makes a `user` account when the config has `signup: true`; then log in at POST /api/v1/users/token. At most 10 well-formed attempts per address per hour.' })
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiBody({ type: RegisterUserBodyOpenApi })
  @ApiNoContentResponse({ description: 'The account exists.' })
  @ApiProblems('signup-disabled', 'invalid-body', 'malformed-json', 'payload-too-large', 'username-taken', 'rate-limited')
  async register(@Body() body: unknown, @Ip() ip: string, @Res({ passthrough: true }) response: Response): Promise<void> {
    // Read per request: the switch is the config's, and tests flip it on a running pod.
    if (!this.config.signup) throw new ProblemError('signup-disabled', 'this pod does not take sign-ups; ask its admin for an account');
    const request = parseRegisterUserRequest(body);
    this.limiter.enforce(ip, response, 'too many sign-ups from this address; try again later');
    await this.commands.execute(new RegisterUserCommand(request.username, request.password));
  }
}

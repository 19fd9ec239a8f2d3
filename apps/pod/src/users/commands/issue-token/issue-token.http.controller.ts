import { Body, Controller, HttpCode, Ip, Post, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ProblemError } from '../../../http/problem.js';
import { CommandBus } from '@nestjs/cqrs';
import type { IssuedToken } from '../../local-accounts.js';
import { AttemptLimiter } from '../../attempt-limiter.js';
import { IssueTokenCommand } from './issue-token.command.js';
import { ApiProblems } from '../../../http/problem.openapi.js';
import { IssuedTokenOpenApi } from '../../local-accounts.openapi.js';
import { IssueTokenBodyOpenApi } from './issue-token.openapi.js';

/**
 * `POST /api/v1/users/token` with `{username, password}` as JSON or a form (OAuth's password
 * grant, as PeerTube clients send it). Their client_id and client_secret are ignored: this pod
 * has one client, itself.
 */
@ApiTags('users')
@Controller('api/v1/users/token')
export class IssueTokenHttpController {
  private readonly limiter = new AttemptLimiter({ attempts: 10, perSeconds: 60 });

  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in: get a bearer token', description: 'OAuth 2 password grant, as JSON or a form, as PeerTube clients send it. The token lasts 24 hours. At most 10 attempts per address per minute.' })
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiBody({ type: IssueTokenBodyOpenApi })
  @ApiOkResponse({ description: 'The token.', type: IssuedTokenOpenApi })
  @ApiProblems('invalid-body', 'malformed-json', 'payload-too-large', 'invalid-credentials', 'rate-limited')
  async issue(@Body() body: unknown, @Ip() ip: string, @Res({ passthrough: true }) response: Response): Promise<IssuedToken> {
    this.limiter.enforce(ip, response, 'too many login attempts from this address; wait a minute');
    const { username, password, grant_type: grantType } = (body ?? {}) as Record<string, unknown>;
    // A refresh_token grant would otherwise fail as "username required", which misleads.
    if (grantType !== undefined && grantType !== 'password') throw new ProblemError('invalid-body', 'only grant_type=password is supported');
    if (typeof username !== 'string' || typeof password !== 'string' || username.length === 0 || password.length === 0) {
      throw new ProblemError('invalid-body', 'username and password are required strings');
    }
    if (username.length > 100 || password.length > 1000) throw new ProblemError('invalid-body', 'username or password too long');
    return this.commands.execute(new IssueTokenCommand(username, password));
  }
}

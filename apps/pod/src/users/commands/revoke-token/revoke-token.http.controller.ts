import { Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CommandBus } from '@nestjs/cqrs';
import { bearerToken } from '../../bearer-auth.js';
import { RevokeTokenCommand } from './revoke-token.command.js';
import { UserGuard } from '../../user.guard.js';
import { ApiProblems } from '../../../http/problem.openapi.js';

/**
 * `POST /api/v1/users/revoke-token`: log out. Only the token of this call dies; the account's
 * other logins (other devices) keep working.
 */
@ApiTags('users')
@Controller('api/v1/users/revoke-token')
export class RevokeTokenHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(200)
  @UseGuards(UserGuard)
  @ApiOperation({ summary: 'Log out', description: 'Only the token of this call dies; the account\'s other logins keep working.' })
  @ApiBearerAuth()
  @ApiOkResponse({ description: 'Logged out.', schema: { type: 'object', properties: {}, description: 'Empty (PeerTube answers an object that may hold a redirectUrl).' } })
  @ApiProblems('unauthorized')
  async revoke(@Req() request: Request): Promise<Record<string, never>> {
    // The guard has parsed and checked this very header.
    await this.commands.execute(new RevokeTokenCommand(bearerToken(request)!));
    // PeerTube answers with an object that may hold a redirectUrl; its clients read it.
    return {};
  }
}
